"""Folium planner maps: rendering and offline assets (no database here)."""
