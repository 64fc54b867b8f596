"""A coherent demo: a Huizhou service centre with three bases and a Hong Kong workstation, a user of
every role, about 300 people in mixed scripts with realistic romanisations, and about 80
organisations including an association federation with its member associations."""
