"""The same dyad-month aggregation on Apache Spark (PySpark, the `legation[spark]` extra).

It reads a folder, a glob or single files on any Hadoop file system (local, s3a://, gs://, abfs://),
applies the checks, codes and states of legation.events.layout, keeps one row per GLOBALEVENTID (the
same order as the DuckDB path) and sums by (actor, target, month, code). Plain files are read by
Spark's text source; zips (GDELT ships one file per zip) are unpacked by the Python workers.

    spark-submit legation/events/spark.py s3a://bucket/gdelt/ s3a://bucket/out/dyad_months
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
from collections.abc import Iterator
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from legation.events import layout, scan

REPLACEMENT = "\ufffd"  # what undecodable bytes become; the DuckDB reader rejects such lines instead
COLUMNS = ("actor", "target", "month", "code", "signal", "events", "mentions", "goldstein_tenths")


def session(master: str = "local[1]", partitions: int = 2) -> SparkSession:
    """A small local session for tests and single machines; spark-submit passes its own master."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers unzip with this interpreter's packages
    builder: Any = SparkSession.builder
    found: SparkSession = (
        builder.master(master)
        .appName("legation-gdelt")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )
    return found


def _list(spark: SparkSession, location: str) -> list[str]:
    """Every events file under a location (folder, glob or file), through Hadoop's file systems."""
    jvm: Any = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    path = jvm.org.apache.hadoop.fs.Path(location)
    fs = path.getFileSystem(conf)
    statuses = fs.globStatus(path) or []
    found: list[str] = []
    for status in statuses:
        inner = fs.listStatus(status.getPath()) if status.isDirectory() else [status]
        found.extend(str(s.getPath()) for s in inner if s.isFile())
    return sorted(p for p in found if layout_name_ok(p))


def layout_name_ok(path: str) -> bool:
    from legation.events.files import _is_events

    return _is_events(path.rsplit("/", 1)[-1])


def _unzip(item: tuple[str, bytes]) -> Iterator[str]:
    with zipfile.ZipFile(io.BytesIO(item[1])) as archive:
        member = archive.infolist()[0]
        text = archive.read(member).decode("utf-8", errors="replace")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for line in lines:
        yield line.removesuffix("\r")


def lines(spark: SparkSession, locations: list[str]) -> DataFrame:
    """One row per line (column `line`) of every events file under the locations."""
    paths = [p for location in locations for p in _list(spark, location)]
    plain = [p for p in paths if not p.lower().endswith(".zip")]
    zips = [p for p in paths if p.lower().endswith(".zip")]
    frames: list[DataFrame] = []
    if plain:
        frames.append(spark.read.text(plain).withColumnRenamed("value", "line"))
    if zips:
        rdd = spark.sparkContext.binaryFiles(",".join(zips)).flatMap(_unzip)
        frames.append(spark.createDataFrame(rdd.map(lambda s: (s,)), "line string"))
    if not frames:
        return spark.createDataFrame([], "line string")
    result = frames[0]
    for frame in frames[1:]:
        result = result.unionByName(frame)
    return result


def _get(position: int) -> Column:
    return F.get(F.col("f"), position)


def _reason() -> Column:
    widths = list(layout.WIDTHS)
    reason = F.when(F.col("line") == "", F.lit(layout.EMPTY_LINE))
    bad_bytes = ~F.expr("is_valid_utf8(line)") | F.col("line").contains(REPLACEMENT)  # text source | zips
    reason = reason.when(bad_bytes, F.lit("unreadable line: invalid encoding"))
    reason = reason.when(
        ~F.col("width").isin(widths), F.concat(F.col("width").cast("string"), F.lit(" columns, expected 57, 58 or 61"))
    )
    for check, pattern, text, may_be_empty in layout.CHECKS:
        value = _get(check.position)
        bad = ~value.rlike(f"^(?:{pattern})$")
        if may_be_empty:
            bad = (value != "") & bad
        reason = reason.when(bad, F.lit(text))
    return reason


def events(frame: DataFrame) -> DataFrame:
    """The kept events: valid, diplomatic, between two different states, one per GLOBALEVENTID."""
    spark = frame.sparkSession
    checked = (
        frame.withColumn("f", F.split(F.col("line"), "\t", -1))
        .withColumn("width", F.size("f"))
        .withColumn("reason", _reason())
        .where(F.col("reason").isNull() & _get(layout.EVENT_CODE.position).isin(list(layout.signals())))
    )
    date = _get(layout.SQLDATE.position)
    goldstein = _get(layout.GOLDSTEIN.position)
    fields = checked.select(
        _get(layout.GLOBALEVENTID.position).alias("id"),
        F.concat_ws("-", F.substring(date, 1, 4), F.substring(date, 5, 2), F.substring(date, 7, 2)).alias("date"),
        _get(layout.ACTOR1_COUNTRY.position).alias("country1"),
        _get(layout.ACTOR2_COUNTRY.position).alias("country2"),
        _get(layout.ACTOR1_CODE.position).alias("actor1_code"),
        _get(layout.ACTOR2_CODE.position).alias("actor2_code"),
        _get(layout.EVENT_CODE.position).alias("code"),
        F.when(goldstein != "", F.round(goldstein.cast("double") * 10).cast("int")).alias("goldstein_tenths"),
        _get(layout.NUM_MENTIONS.position).cast("int").alias("mentions"),
        F.when(F.col("width") == 61, _get(60)).when(F.col("width") == 58, _get(57)).alias("source_url"),
        F.when(F.col("width") == 61, _get(59)).otherwise(_get(56)).alias("date_added"),
    ).withColumn("source_url", F.when(F.col("source_url") != "", F.col("source_url")))
    countries = spark.createDataFrame(list(layout.countries().items()), "cameo string, state string")
    signals = spark.createDataFrame(list(layout.signals().items()), "code string, signal string")
    a, b = F.broadcast(countries.alias("a")), F.broadcast(countries.alias("b"))
    dyadic = (
        fields.join(a, F.col("country1") == F.col("a.cameo"))
        .join(b, F.col("country2") == F.col("b.cameo"))
        .where(F.col("a.state") != F.col("b.state"))
        .select(fields["*"], F.col("a.state").alias("actor"), F.col("b.state").alias("target"))
    )
    order = Window.partitionBy("id").orderBy(*(F.col(k).asc_nulls_first() for k in scan.ORDER))
    first = dyadic.withColumn("_n", F.row_number().over(order)).where(F.col("_n") == 1).drop("_n")
    return first.join(F.broadcast(signals), "code").withColumn("month", F.substring("date", 1, 7))


def aggregate(frame: DataFrame) -> DataFrame:
    """Dyad-month-code sums, with the columns of the store's `event_dyad_months`."""
    return (
        events(frame)
        .groupBy("actor", "target", "month", "code", "signal")
        .agg(
            F.count("*").cast("int").alias("events"),
            F.sum("mentions").cast("int").alias("mentions"),
            F.sum(F.coalesce(F.col("goldstein_tenths"), F.lit(0))).cast("int").alias("goldstein_tenths"),
        )
        .select(*COLUMNS)
    )


def dyad_months(spark: SparkSession, locations: list[str]) -> list[tuple[Any, ...]]:
    """The aggregates as sorted tuples (for comparison and small jobs)."""
    rows = aggregate(lines(spark, locations)).collect()
    return sorted(tuple(row[c] for c in COLUMNS) for row in rows)


def main(argv: list[str]) -> None:
    """spark-submit entry: aggregate INPUT... into Parquet at OUTPUT."""
    if len(argv) < 2:
        sys.stderr.write("usage: spark.py INPUT... OUTPUT\n")
        raise SystemExit(2)
    spark = SparkSession.builder.appName("legation-gdelt").getOrCreate()
    aggregate(lines(spark, argv[:-1])).write.mode("overwrite").parquet(argv[-1])
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
