"""Reading, validating and writing the concept's data files (docs/data-formats.md).

Entry points: `run.import_sources` (used by services.import_data and the admin upload),
`sources.collect_sources` (files and directories → tables), `uploads` (files kept between
an admin preview and its confirmation).
"""
