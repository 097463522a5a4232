"""Database layer: the embedded cluster, engine/sessions, ORM models and spatial SQL."""
