"""Management commands of the demo app (`load_demo`, `seed_synthetic`)."""
