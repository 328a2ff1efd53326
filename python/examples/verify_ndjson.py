#!/usr/bin/env python3
"""Verify NDJSON Bundles (bulk $export layout: a file, or a folder of *.ndjson) on Spark and
write a Parquet table of results, one row per line:
file, line, verified, indication, sub_indication, signer, digest.

    python python/examples/verify_ndjson.py --trust ROOT.pem [--at T] INPUT OUTPUT
    spark-submit python/examples/verify_ndjson.py --trust ROOT.pem INPUT OUTPUT

With `python` it runs Spark in local mode on every core; with `spark-submit` on whatever
cluster the submit names. The trust anchors are read here, on the driver, and sent to the
executors as PEM text, so they need not be on the executors' file systems.
"""
import argparse
import os
import sys

from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F

from fhirsig.spark import verify_udf


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trust", action="append", required=True, help="trust anchor PEM (repeatable)")
    parser.add_argument("--crl", action="append", default=[], help="CRL PEM (repeatable)")
    parser.add_argument("--at", help="verification time, RFC 3339 (default: now)")
    parser.add_argument("--policy", default="cdex", help="cdex (default), cdex2, r6 or auto")
    parser.add_argument("input", help="an NDJSON file or a folder of them")
    parser.add_argument("output", help="the Parquet folder to write")
    args = parser.parse_args(argv)

    trust = [open(p, encoding="utf-8").read() for p in args.trust]
    crls = [open(p, encoding="utf-8").read() for p in args.crl]
    spark = SparkSession.builder.appName("fhirsig verify_ndjson").getOrCreate()
    source = args.input
    if os.path.isdir(source):
        source = os.path.join(source, "*.ndjson")
    lines = (spark.read.text(source, wholetext=False)
             .withColumn("file", F.input_file_name())
             .withColumn("_order", F.monotonically_increasing_id()))
    numbered = lines.withColumn("line", F.row_number().over(Window.partitionBy("file").orderBy("_order")))
    checked = numbered.withColumn("r", verify_udf(trust=trust, crls=crls, policy=args.policy, at=args.at)(F.col("value")))
    result = checked.select("file", "line", "r.verified", "r.indication", "r.sub_indication", "r.signer", "r.digest")
    result.write.mode("overwrite").parquet(args.output)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
