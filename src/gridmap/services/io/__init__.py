"""Bringing a district in and out: reading GIS and spreadsheet files, importing, exporting."""
