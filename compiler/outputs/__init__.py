"""The outputs: projections of the canonical table into files, written into one atomic folder.

observations (CSV, Parquet), SDMX (structures, data messages, NA_MAIN), HTML and xlsx, report.json.
"""
