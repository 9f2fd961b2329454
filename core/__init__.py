"""The bottom layer: infrastructure that belongs to no part of the domain and imports
none of the apps.

- errors: the one refusal type services raise, and how a form shows it
- files: uploads typed and decoded by content, stored without metadata, random names
- idnumber: 居民身份证号码 (GB 11643) checked, normalised and masked
- paging: keyset pages for long lists
- search: search text kept out of URLs and logs
- tabular: CSV (UTF-8 or GBK) and XLSX files read and checked row by row, templates
- throttle: client addresses and per-address limits
"""
