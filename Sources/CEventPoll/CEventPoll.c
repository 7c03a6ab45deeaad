// Intentionally empty: the target only exports a header.
