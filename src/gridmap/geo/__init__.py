"""Pure geometry and coordinate conversion: no I/O."""
