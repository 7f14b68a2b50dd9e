#!/usr/bin/env python3
"""What a user would write instead of aiguard scan, the way the AWS Config
RDK's rule templates evaluate a configuration item: load the snapshot, decode
each item's configuration (a JSON string in the API shape), and judge the AI
resource types with a few checks each. A baseline for BENCHMARKS.md, not a
rule implementation: it judges far less than aiguard does.

    python3 scan/testdata/bench/rdk_style.py SNAPSHOT.json.gz
"""
import gzip
import json
import sys


def config_of(ci):
    cfg = ci.get("configuration")
    if isinstance(cfg, str):
        try:
            cfg = json.loads(cfg)
        except ValueError:
            return None
    return cfg if isinstance(cfg, dict) else None


def evaluate(ci):
    cfg = config_of(ci)
    if cfg is None:
        return "NOT_APPLICABLE"
    t = ci.get("resourceType", "")
    if t == "AWS::SageMaker::NotebookInstance":
        ok = cfg.get("DirectInternetAccess") == "Disabled" and cfg.get("KmsKeyId") and cfg.get("SubnetId")
    elif t == "AWS::SageMaker::EndpointConfig":
        ok = bool(cfg.get("KmsKeyId")) and bool((cfg.get("DataCaptureConfig") or {}).get("EnableCapture"))
    elif t == "AWS::SageMaker::Domain":
        ok = cfg.get("AppNetworkAccessType") == "VpcOnly" and bool(cfg.get("KmsKeyId"))
    elif t.startswith("AWS::Bedrock::"):
        ok = any(k.endswith(("KmsKeyArn", "KeyArn", "EncryptionKeyArn")) and v for k, v in cfg.items())
    elif t == "AWS::S3::Bucket":
        supp = ci.get("supplementaryConfiguration") or {}
        policy = supp.get("BucketPolicy")
        if isinstance(policy, str):
            policy = json.loads(policy)
        text = (policy or {}).get("policyText")
        ok = bool(text) and "aws:SecureTransport" in text
    else:
        ok = True
    return "COMPLIANT" if ok else "NON_COMPLIANT"


def main():
    counts = {}
    with gzip.open(sys.argv[1], "rt") as f:
        snapshot = json.load(f)
    for ci in snapshot.get("configurationItems", []):
        try:
            c = evaluate(ci)
        except (AttributeError, TypeError, ValueError):
            c = "NOT_APPLICABLE"  # a shape the checks do not expect
        counts[c] = counts.get(c, 0) + 1
    print(counts)


if __name__ == "__main__":
    main()
