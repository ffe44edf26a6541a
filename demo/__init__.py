"""The Kon Tum demo and the synthetic benchmark data, kept apart from the production apps.

Everything that invents data lives here — the deterministic demo generator (`demo.generator`,
read from `kontum_demo.json`), its demo accounts, and the commands `load_demo` and
`seed_synthetic` — so that `organizations`, `assessments`, `reports` and the rest never import
the demo: the demo imports their models, never the reverse.
"""
