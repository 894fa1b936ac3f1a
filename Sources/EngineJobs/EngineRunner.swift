/// The runner `lendscope sql --write-runner DIR` writes: one Python file that runs a DuckDB job
/// (`python3 lendscope_job.py job.sql`) or a Spark job (`spark-submit lendscope_job.py job.sql`)
/// as one run: a fresh run id, each table's `_RUN`, the manifest, the `CURRENT` pointer by a
/// rename, `_JOB` states, pruning to the last two runs, and exit codes for schedulers. Kept here,
/// in the binary, so that the runner always matches the jobs the same binary writes.
public enum EngineRunner {
    public static let fileName = "lendscope_job.py"

    public static let script = #"""
#!/usr/bin/env python3
"""LendScope's engine job runner: runs a job from `lendscope sql` as one run, and keeps runs apart.

    python3 lendscope_job.py job.sql                         a DuckDB job (the duckdb module)
    spark-submit [--master yarn] lendscope_job.py job.sql    a Spark job

Every execution is a new run: the runner gives it a fresh run id, the job writes its tables under
OUTPUT/runs/<id>/ (each table: part files, _SUCCESS, then _RUN holding the id), then
manifest.json (what was read and how: input files with sizes and modification times, the SHA-256
of the grouping as read, granularity, thresholds, start and end), and only then is OUTPUT/CURRENT
replaced by a rename to name the run. Readers resolve CURRENT once, so they never read two runs
together, and a run that fails leaves the last good one in place. OUTPUT/_JOB says
`running <id>`, `done <id>` or `failed <id>`. The runner keeps the last two complete runs.

Exit status, for schedulers: 0 done; 64 usage; 65 the data (a malformed loan row, a column of a
refused type, a Delta or Iceberg folder read as files, a platform missing from the grouping);
74 input/output or environment (an input that does not exist, an output that cannot be written,
no engine).
"""
import hashlib
import json
import os
import shutil
import sys
import uuid
from datetime import datetime, timezone

EX_USAGE, EX_DATAERR, EX_IOERR = 64, 65, 74
COLUMNS = ["loan_id", "platform", "bank", "borrower_id", "amount_cny", "term_days", "originated",
           "rate_apr", "status", "closed_on", "platform_funded_cny"]
OPTIONAL = {"closed_on", "platform_funded_cny"}
EXACT = {"amount_cny", "rate_apr", "platform_funded_cny"}
DATES = {"originated", "closed_on"}
EXACT_RULE = "amounts and rates must be DECIMAL, an integer or text (a binary floating-point number cannot hold every cent)"
DATE_RULE = "dates must be DATE or text YYYY-MM-DD (a timestamp is not a day)"
DIRECTIVE = "-- lendscope-job "
KEPT = 2


class Failure(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def now():
    return datetime.now(timezone.utc).isoformat()


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
        raise Failure(EX_USAGE, "the job file ends inside a statement (no closing semicolon)")
    return out


def directives(text):
    found = {}
    for line in text.split("\n"):
        if line.startswith(DIRECTIVE) and "=" in line:
            name, value = line[len(DIRECTIVE):].split("=", 1)
            found[name] = value
    for name in ("engine", "output", "run"):
        if name not in found:
            raise Failure(EX_USAGE, "not a job from `lendscope sql` (no '%s' line): generate it again" % name)
    return found


def classify(error):
    """A data error (65) or an input/output error (74), from an engine's exception."""
    text = str(error)
    io = ("Path does not exist", "FileNotFoundException", "No files found", "No such file", "Permission denied",
          "AccessDenied", "IO Error", "does not exist", "Cannot open file", "Could not set lock")
    return EX_IOERR if any(marker in text for marker in io) else EX_DATAERR


def safe(text):
    """Data reaches messages (a loan_id): control, C1 and bidi characters never reach a terminal raw."""
    return "".join("?" if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or 0x202A <= ord(c) <= 0x202E
                   or 0x2066 <= ord(c) <= 0x2069 or c in "\u2028\u2029\u200e\u200f" else c for c in text)


def first_line(error):
    text = str(error).strip()
    for line in text.split("\n"):
        line = line.strip()
        if line and not line.startswith(("at ", "JVM stacktrace", "Traceback")):
            return safe(line[:500])
    return safe(text[:500])


# ---- DuckDB: local folders through os ----------------------------------------------------------

def run_duckdb(text, run):
    try:
        import duckdb
    except ImportError:
        raise Failure(EX_IOERR, "the duckdb module is missing: pip install duckdb")
    output = run["output"]
    # A planted link where a temporary file will be written would redirect the write.
    for name in ("tmp_CURRENT", "tmp__JOB"):
        path = os.path.join(output, name)
        if os.path.islink(path):
            os.unlink(path)
    connection = duckdb.connect()
    set_job_state_local(output, "running " + run["id"])
    try:
        connection.execute(text)
    except duckdb.IOException as error:
        raise Failure(EX_IOERR, first_line(error))
    except duckdb.Error as error:
        raise Failure(classify(error) if "IO Error" in str(error) else EX_DATAERR, first_line(error))
    # The job must have published its run: a job file cut short runs without error and publishes nothing.
    if current_local(output) != run["id"] or not os.path.isfile(os.path.join(output, "runs", run["id"], "manifest.json")):
        raise Failure(EX_USAGE, "the job ran but did not publish its run (a job file cut short?): generate it again")


def current_local(output):
    try:
        with open(os.path.join(output, "CURRENT"), encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return None


def set_job_state_local(output, state):
    try:
        os.makedirs(output, exist_ok=True)
        temporary = os.path.join(output, "_JOB.tmp-" + uuid.uuid4().hex)
        with open(temporary, "w", encoding="utf-8") as f:
            f.write(state + "\n")
        os.replace(temporary, os.path.join(output, "_JOB"))
    except OSError:
        pass


def prune_local(output, current):
    runs = os.path.join(output, "runs")
    complete = []
    for name in os.listdir(runs) if os.path.isdir(runs) else []:
        manifest = os.path.join(runs, name, "manifest.json")
        if os.path.isfile(manifest):
            complete.append((os.path.getmtime(manifest), name))
    keep = {current} | {name for _, name in sorted(complete, reverse=True)[:KEPT]}
    for _, name in complete:
        if name not in keep:
            shutil.rmtree(os.path.join(runs, name), ignore_errors=True)


def remove_failed_local(output, run_id):
    # Never the run CURRENT names: a failure after the switch leaves it published and readable.
    if current_local(output) != run_id:
        shutil.rmtree(os.path.join(output, "runs", run_id), ignore_errors=True)


# ---- Spark: any file system through Hadoop's API -----------------------------------------------

class HadoopFiles:
    def __init__(self, spark):
        self.jvm = spark._jvm
        self.gateway = spark.sparkContext._gateway
        self.conf = spark._jsc.hadoopConfiguration()

    def path(self, text):
        return self.jvm.org.apache.hadoop.fs.Path(text)

    def fs(self, text):
        fs = self.path(text).getFileSystem(self.conf)
        # No .crc side files beside the markers on a local disk.
        fs.setWriteChecksum(False)
        return fs

    def join(self, *parts):
        out = parts[0]
        for part in parts[1:]:
            out = out + part if out.endswith("/") else out + "/" + part
        return out

    def write(self, target, content):
        stream = self.fs(target).create(self.path(target), True)
        stream.write(bytearray(content.encode("utf-8")))
        stream.close()

    def replace(self, target, content):
        """Writes a new file, then renames it over `target` (atomic on HDFS and local disks)."""
        temporary = target + ".tmp-" + uuid.uuid4().hex
        self.write(temporary, content)
        rename = self.jvm.org.apache.hadoop.fs.Options.Rename
        try:
            context = self.jvm.org.apache.hadoop.fs.FileContext.getFileContext(self.path(target).toUri(), self.conf)
            options = self.gateway.new_array(rename, 1)
            options[0] = rename.OVERWRITE
            context.rename(self.path(temporary), self.path(target), options)
        except Exception:
            # A file system without FileContext support (some object stores): not atomic there.
            fs = self.fs(target)
            fs.delete(self.path(target), False)
            fs.rename(self.path(temporary), self.path(target))

    def read_bytes(self, target):
        stream = self.fs(target).open(self.path(target))
        buffer = self.jvm.java.io.ByteArrayOutputStream()
        self.jvm.org.apache.hadoop.io.IOUtils.copyBytes(stream, buffer, 65536, True)
        return bytes(buffer.toByteArray())

    def exists(self, target):
        return self.fs(target).exists(self.path(target))

    def files(self, pattern):
        """Every file an input names (a folder, a file or a glob), with size and modification time."""
        fs = self.fs(pattern)
        statuses = fs.globStatus(self.path(pattern)) or []
        out = []
        for status in statuses:
            if status.isDirectory():
                iterator = fs.listFiles(status.getPath(), True)
                while iterator.hasNext():
                    item = iterator.next()
                    name = item.getPath().getName()
                    if not name.startswith(("_", ".")):
                        out.append(item)
            else:
                out.append(status)
        return sorted(({"path": s.getPath().toString(), "size": int(s.getLen()),
                        "modified": datetime.fromtimestamp(s.getModificationTime() / 1000, timezone.utc).isoformat()}
                       for s in out), key=lambda f: f["path"])

    def children(self, folder):
        fs = self.fs(folder)
        if not fs.exists(self.path(folder)):
            return []
        return [s.getPath().getName() for s in fs.listStatus(self.path(folder))]

    def remove(self, target):
        self.fs(target).delete(self.path(target), True)


def input_folder(text):
    for i, c in enumerate(text):
        if c in "*?[{":
            text = text[:i]
            break
    else:
        if text.lower().endswith((".csv", ".parquet")):
            text = text[:text.rfind("/") + 1]
        else:
            text += "/"  # a folder named without its final slash is the folder itself
    if "/" in text and not text.endswith("/"):
        text = text[:text.rfind("/") + 1]
    return text.rstrip("/") or None


def refuse_table_formats(files, source):
    """A lake table's folder: the input's folder, or any folder under it when the glob reaches down (`**`)."""
    folder = input_folder(source)
    if not folder or not files.exists(folder):
        return
    folders = [folder]
    if "**" in source:
        fs = files.fs(folder)
        iterator = fs.listFiles(files.path(folder), True)
        seen = set()
        while iterator.hasNext():
            parent = iterator.next().getPath().getParent().toString()
            for candidate in (parent, parent.rsplit("/", 1)[0]):
                if candidate not in seen:
                    seen.add(candidate)
                    folders.append(candidate)
    for candidate in folders:
        children = files.children(candidate)
        if "_delta_log" in children:
            raise Failure(EX_DATAERR, "the input folder %s is a Delta table (it has _delta_log/): read it through Delta, "
                          "or export its current files" % candidate)
        if "metadata" in children and any(n.endswith(".metadata.json") for n in files.children(files.join(candidate, "metadata"))):
            raise Failure(EX_DATAERR, "the input folder %s is an Iceberg table (it has metadata/*.metadata.json): read it "
                          "through Iceberg, or export its current files" % candidate)


def prepare_loans(spark):
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
    frame = spark.table("loan_input")
    names = {name.lstrip("\ufeff"): name for name in frame.columns}
    missing = [c for c in COLUMNS if c not in OPTIONAL and c not in names]
    if missing:
        raise Failure(EX_DATAERR, "the input has no column " + ", ".join(missing))
    types = {field.name.lstrip("\ufeff"): field.dataType for field in frame.schema.fields}
    for c in COLUMNS:
        kind = types.get(c)
        if c in EXACT and isinstance(kind, (T.DoubleType, T.FloatType)):
            raise Failure(EX_DATAERR, "column %s is %s: %s" % (c, "DOUBLE" if isinstance(kind, T.DoubleType) else "FLOAT", EXACT_RULE))
        if c in DATES and isinstance(kind, (T.TimestampType, T.TimestampNTZType)):
            raise Failure(EX_DATAERR, "column %s is %s: %s" % (c, "TIMESTAMP" if isinstance(kind, T.TimestampType) else "TIMESTAMP_NTZ", DATE_RULE))
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


def written_folder(statement):
    head = "INSERT OVERWRITE DIRECTORY '"
    if not statement.startswith(head):
        return None
    out, i = [], len(head)
    while i < len(statement):
        c = statement[i]
        if c == "\\" and i + 1 < len(statement):
            out.append(statement[i + 1])
            i += 2
            continue
        if c == "'":
            return "".join(out)
        out.append(c)
        i += 1
    return None


def run_spark(text, run):
    from pyspark.sql import SparkSession
    spark = SparkSession.builder.appName("lendscope").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    # Exact arithmetic: a cast that cannot be made, or a sum past DECIMAL(38,2), fails the job.
    spark.conf.set("spark.sql.ansi.enabled", "true")
    files = HadoopFiles(spark)
    output, run_id = run["output"], run["id"]
    started = now()
    try:
        files.replace(files.join(output, "_JOB"), "running " + run_id + "\n")
        refuse_table_formats(files, run["input"])
        input_files = files.files(run["input"])
        if not input_files:
            raise Failure(EX_IOERR, "no input files at " + run["input"])
        grouping = run.get("platforms") or None
        grouping_sha = hashlib.sha256(files.read_bytes(grouping)).hexdigest() if grouping else None
        prepared = False
        for statement in statements(text):
            frame = spark.sql(statement)
            if statement.lstrip().upper().startswith(("SELECT", "WITH")):
                frame.collect()
            if not prepared and spark.catalog.tableExists("loan_input"):
                prepare_loans(spark)
                prepared = True
            folder = written_folder(statement)
            if folder:
                files.write(files.join(folder, "_RUN"), run_id + "\n")
        manifest = {"run_id": run_id, "engine": "spark", "lendscope_version": run.get("version", ""),
                    "input": run["input"], "input_format": run.get("input-format", "csv"), "input_files": input_files,
                    "grouping_file": grouping, "grouping_sha256": grouping_sha,
                    "granularity": run.get("granularity", "quarter"),
                    "apr_thresholds": [t for t in run.get("apr-thresholds", "").split(",") if t],
                    "tables": ["originations", "status", "stacking", "indebtedness", "pricing", "summary"],
                    "started": started, "finished": now()}
        run_folder = files.join(output, "runs", run_id)
        files.write(files.join(run_folder, "manifest.json"), json.dumps(manifest, sort_keys=True) + "\n")
        files.replace(files.join(output, "CURRENT"), run_id + "\n")
        files.replace(files.join(output, "_JOB"), "done " + run_id + "\n")
    except Failure:
        mark_failed_hadoop(files, output, run_id)
        raise
    except Exception as error:
        mark_failed_hadoop(files, output, run_id)
        raise Failure(classify(error), first_line(error))
    else:
        # Published: pruning older runs can fail (a permission) without touching this one.
        try:
            prune_hadoop(files, output, run_id)
        except Exception:
            pass
    finally:
        spark.stop()


def mark_failed_hadoop(files, output, run_id):
    try:
        current = files.join(output, "CURRENT")
        named = files.read_bytes(current).decode("utf-8", "replace").strip() if files.exists(current) else None
        if named != run_id:
            files.remove(files.join(output, "runs", run_id))
        files.replace(files.join(output, "_JOB"), "failed " + run_id + "\n")
    except Exception:
        pass


def prune_hadoop(files, output, current):
    runs = files.join(output, "runs")
    complete = []
    for name in files.children(runs):
        manifest = files.join(runs, name, "manifest.json")
        if files.exists(manifest):
            status = files.fs(manifest).getFileStatus(files.path(manifest))
            complete.append((status.getModificationTime(), name))
    keep = {current} | {name for _, name in sorted(complete, reverse=True)[:KEPT]}
    for _, name in complete:
        if name not in keep:
            files.remove(files.join(runs, name))


def main(argv):
    if len(argv) != 2:
        print("usage: python3 lendscope_job.py JOB.sql   or   spark-submit lendscope_job.py JOB.sql", file=sys.stderr)
        return EX_USAGE
    try:
        try:
            with open(argv[1], encoding="utf-8") as f:
                text = f.read()
        except OSError as error:
            raise Failure(EX_IOERR, "cannot read %s: %s" % (argv[1], error.strerror))
        found = directives(text)
        # A fresh id for every execution: the job's own id is replaced wherever it stands.
        run_id = str(uuid.uuid4())
        text = text.replace(found["run"], run_id)
        run = dict(found, id=run_id)
        if found["engine"] == "duckdb":
            try:
                run_duckdb(text, run)
            except Failure:
                set_job_state_local(run["output"], "failed " + run_id)
                remove_failed_local(run["output"], run_id)
                raise
            prune_local(run["output"], run_id)
        elif found["engine"] == "spark":
            run_spark(text, run)
        else:
            raise Failure(EX_USAGE, "unknown engine '%s'" % found["engine"])
    except Failure as failure:
        print("lendscope_job: " + str(failure).replace("\n", " "), file=sys.stderr)
        return failure.status
    print("lendscope_job: done, run " + run_id, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
"""#
}
