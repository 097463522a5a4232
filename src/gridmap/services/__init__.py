"""Services: one function per use case, composing the pure domain and the db layer."""
