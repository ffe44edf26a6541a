"""`load_demo` (the Kon Tum demo, development only) and `seed_synthetic` (benchmark data)."""
