"""Shared GraphQL machinery: error codes, the mutation base, authentication, depth limit,
file uploads and the loader convention. Domain schemas live in each app's `schema.py` and
are assembled in `portal/api.py`."""
