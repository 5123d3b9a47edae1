"""Search backends that understand Chinese: modelsearch backends with jieba segmentation.

* `search.backends.database` — Wagtail's database backend (SQLite FTS5, PostgreSQL, MySQL,
  fallback), chosen by the connection's vendor exactly like `modelsearch.backends.database`.
* `search.backends.elasticsearch8` — Wagtail's Elasticsearch 8 backend with analyzers that keep
  the segmented tokens (or the IK plugin's analyzers with `ANALYZER: "ik"`).
"""
