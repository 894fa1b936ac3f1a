#!/usr/bin/env python3
"""Runs a LendScope engine job on Apache Spark, as a cluster would:

    lendscope sql --engine spark --input s3a://lake/loans/ --input-format parquet \\
        --platforms platforms.csv --output /mnt/share/data/engine > job.sql
    spark-submit [--master yarn] lendscope_job.py job.sql

The job file is Spark SQL: it reads the loans into `loan_input`, and this script makes
`loan_rows` from it (every column as a string, the optional `closed_on` and
`platform_funded_cny` added as NULL when the input lacks them, an empty field read as NULL)
and `loan_columns`. Each table is written by an INSERT OVERWRITE DIRECTORY: CSV part files,
then Spark's `_SUCCESS`. The output folder's `_JOB` file says `running <id>` from the start and
`done <id>` once every table is written, so a reader never takes tables of two runs together.
Any failure (a malformed row, an unreadable input) ends the job with a non-zero status and
leaves `_JOB` at `running`.
"""
import sys
import uuid

COLUMNS = ["loan_id", "platform", "bank", "borrower_id", "amount_cny", "term_days", "originated",
           "rate_apr", "status", "closed_on", "platform_funded_cny"]
OPTIONAL = {"closed_on", "platform_funded_cny"}
DIRECTIVE = "-- lendscope-job output="


def statements(text):
    """The job's statements, split at semicolons outside quotes and comments."""
    out, current, i, quote = [], [], 0, None
    while i < len(text):
        c = text[i]
        if quote:
            current.append(c)
            if c == "\\" and quote == "'" and i + 1 < len(text):
                current.append(text[i + 1])
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "'`\"":
            quote = c
            current.append(c)
        elif text.startswith("--", i):
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        elif c == ";":
            statement = "".join(current).strip()
            if statement:
                out.append(statement)
            current = []
        else:
            current.append(c)
        i += 1
    if "".join(current).strip():
        raise SystemExit("lendscope_job: the job file ends inside a statement (no closing semicolon)")
    return out


def output_folder(text):
    for line in text.split("\n"):
        if line.startswith(DIRECTIVE):
            return line[len(DIRECTIVE):]
    raise SystemExit("lendscope_job: not a job from `lendscope sql --engine spark` (no output line)")


def write_job_state(spark, folder, state):
    """Writes `_JOB` through Hadoop's file system API, so any URI the cluster writes works."""
    jvm = spark._jvm
    path = jvm.org.apache.hadoop.fs.Path(folder.rstrip("/") + "/_JOB")
    fs = path.getFileSystem(spark._jsc.hadoopConfiguration())
    stream = fs.create(path, True)
    stream.write(bytearray((state + "\n").encode("utf-8")))
    stream.close()


def prepare_loans(spark):
    from pyspark.sql import functions as F
    frame = spark.table("loan_input")
    names = {name.lstrip("\ufeff"): name for name in frame.columns}
    missing = [c for c in COLUMNS if c not in OPTIONAL and c not in names]
    if missing:
        raise SystemExit("lendscope_job: the input has no column " + ", ".join(missing))
    columns = []
    for c in COLUMNS:
        if c in names:
            value = F.col("`" + names[c].replace("`", "``") + "`").cast("string")
            columns.append(F.when(value == "", None).otherwise(value).alias(c))
        else:
            columns.append(F.lit(None).cast("string").alias(c))
    frame.select(*columns).createOrReplaceTempView("loan_rows")
    spark.createDataFrame([("platform_funded_cny" in names,)], "has_platform_funded boolean") \
        .createOrReplaceTempView("loan_columns")


def main(argv):
    if len(argv) != 2:
        raise SystemExit("usage: spark-submit lendscope_job.py JOB.sql")
    with open(argv[1], encoding="utf-8") as f:
        text = f.read()
    folder = output_folder(text)
    from pyspark.sql import SparkSession
    spark = SparkSession.builder.appName("lendscope").getOrCreate()
    # Exact arithmetic: a cast that cannot be made, or a sum past DECIMAL(38,2), fails the job.
    spark.conf.set("spark.sql.ansi.enabled", "true")
    run = str(uuid.uuid4())
    try:
        write_job_state(spark, folder, "running " + run)
        prepared = False
        for statement in statements(text):
            frame = spark.sql(statement)
            if statement.lstrip().upper().startswith(("SELECT", "WITH")):
                frame.collect()
            if not prepared and spark.catalog.tableExists("loan_input"):
                prepare_loans(spark)
                prepared = True
        write_job_state(spark, folder, "done " + run)
    finally:
        spark.stop()


if __name__ == "__main__":
    main(sys.argv)
