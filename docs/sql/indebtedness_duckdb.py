#!/usr/bin/env python3
"""Runs indebtedness.duckdb.sql (beside this file) on a loan file with DuckDB, 2 threads, and
writes its rows as sorted CSV lines: the table `lendscope aggregate --indebtedness` writes,
without the header, for comparing line for line.

Usage: indebtedness_duckdb.py LOANS PLATFORMS OUT   (pip install duckdb==2.0.1)
"""
import csv
import io
import os
import sys


def table(loans, platforms, threads=2):
    """The figures as sorted CSV lines."""
    import duckdb
    sql = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "indebtedness.duckdb.sql")).read()
    with open(loans) as f:
        header = f.readline()
    closed = "CAST(nullif(closed_on, '') AS DATE)" if "closed_on" in header else "CAST(NULL AS DATE)"
    sql = sql.replace("{loans}", loans).replace("{platforms}", platforms).replace("{closed_on}", closed)
    connection = duckdb.connect()
    connection.execute(f"SET threads = {threads}")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(connection.execute(sql).fetchall())
    return sorted(buffer.getvalue().splitlines())


if __name__ == "__main__":
    loans, platforms, out = sys.argv[1:4]
    with open(out, "w") as f:
        f.write("\n".join(table(loans, platforms)) + "\n")
