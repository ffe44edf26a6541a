"""Operations: backing up and restoring the database (`make backup`, `make restore FILE=…`)."""
