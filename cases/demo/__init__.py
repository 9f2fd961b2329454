"""Demo data of the case app: `cases` a street's cases in every stage, `intake`
its window registrations, slips and urgent aid."""
