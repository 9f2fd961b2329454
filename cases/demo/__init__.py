"""Demo data of the case app: `cases` a street's cases in every stage, `intake`
its window registrations, slips and urgent aid, `benefits` its benefits in force with
their reviews, a gradual exit, a stop and a self-care assessment."""
