"""MDB Triage: werkvoorraad, MDB-sessies en taakdelegatie voor sociaal-medische teams."""

__version__ = "0.1.0"
