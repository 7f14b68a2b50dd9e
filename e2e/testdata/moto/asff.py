"""Imports the ASFF batches `aiguard scan --format asff` wrote into moto's
Security Hub, reads them back, and checks every request against the Security
Hub API model that botocore ships.

    python3 asff.py ENDPOINT REGION < batches

Each input line is one BatchImportFindings request body. The output is one
JSON object; the Go test (e2e/moto_test.go) asserts on it.

The model check is this script's own: botocore's client-side validation
(which boto3 and the AWS CLI run before sending) checks required members,
types and minimums, but not enums, maximums or patterns, and moto's Security
Hub accepts any finding that has a Resources list. So every member is
walked here: unknown members, required members, types, enums, lengths and
sizes, and patterns (not anchored, as Smithy's @pattern is not); then the
limits the Security Hub API Reference gives and the model leaves out
(DOCUMENTED, TIMESTAMP).
"""

import json
import re
import sys

import boto3
import botocore.exceptions
import botocore.session


def validate(shape, value, path, out):
    t = shape.type_name
    meta = shape.metadata
    if t == "structure":
        if not isinstance(value, dict):
            out.append(f"{path}: want an object ({shape.name}), got {type(value).__name__}")
            return
        for name in shape.required_members:
            if name not in value:
                out.append(f"{path}.{name}: required by {shape.name}, missing")
        for name, v in value.items():
            if name not in shape.members:
                out.append(f"{path}.{name}: not a member of {shape.name}")
                continue
            validate(shape.members[name], v, f"{path}.{name}", out)
        return
    if t == "list":
        if not isinstance(value, list):
            out.append(f"{path}: want a list ({shape.name})")
            return
        size(meta, len(value), path, "items", out)
        for i, v in enumerate(value):
            validate(shape.member, v, f"{path}[{i}]", out)
        return
    if t == "map":
        if not isinstance(value, dict):
            out.append(f"{path}: want a map ({shape.name})")
            return
        size(meta, len(value), path, "entries", out)
        for k, v in value.items():
            validate(shape.key, k, f"{path} key {k!r}", out)
            validate(shape.value, v, f"{path}[{k!r}]", out)
        return
    if t == "string":
        if not isinstance(value, str):
            out.append(f"{path}: want a string ({shape.name}), got {type(value).__name__}")
            return
        if shape.enum and value not in shape.enum:
            out.append(f"{path}: {value!r} is not one of {shape.enum}")
        size(meta, len(value), path, "characters", out)
        if "pattern" in meta and not re.search(meta["pattern"], value):
            out.append(f"{path}: {value[:60]!r} does not match {meta['pattern']}")
        return
    if t in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            out.append(f"{path}: want an integer ({shape.name})")
            return
        size(meta, value, path, "", out)
        return
    if t in ("double", "float"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            out.append(f"{path}: want a number ({shape.name})")
        return
    if t == "boolean":
        if not isinstance(value, bool):
            out.append(f"{path}: want a boolean ({shape.name})")
        return
    out.append(f"{path}: shape type {t} not checked")


# Limits the Security Hub API Reference gives for AwsSecurityFinding
# (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_AwsSecurityFinding.html)
# that botocore's model leaves out: (min, max) characters, or items.
DOCUMENTED = {
    "AwsAccountId": (12, 12),
    "Id": (1, 512),
    "GeneratorId": (1, 512),
    "Description": (1, 1024),
    "ProductArn": (12, 2048),
    "Resources": (1, 32),
    "ProductFields": (0, 50),
}
# Timestamps: RFC 3339 with Z or an offset, at most 9 digits of fraction
# (the API Reference's "Timestamps" section).
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}(:?\d{2})?)$")


def documented(finding, path, out):
    for name, (lo, hi) in DOCUMENTED.items():
        if name in finding and not lo <= len(finding[name]) <= hi:
            out.append(f"{path}.{name}: length {len(finding[name])}, the API Reference allows {lo} to {hi}")
    for k, v in finding.get("ProductFields", {}).items():
        if len(k) > 128 or len(v) > 2048:
            out.append(f"{path}.ProductFields[{k[:40]!r}]: key or value too long (128 and 2048 at most)")
    for name in ("CreatedAt", "UpdatedAt", "FirstObservedAt", "LastObservedAt"):
        if name in finding and not TIMESTAMP.match(str(finding[name])):
            out.append(f"{path}.{name}: {finding[name]!r} is not a timestamp Security Hub accepts")


def size(meta, n, path, unit, out):
    if "min" in meta and n < meta["min"]:
        out.append(f"{path}: {n} {unit} is below the minimum {meta['min']}".replace("  ", " "))
    if "max" in meta and n > meta["max"]:
        out.append(f"{path}: {n} {unit} is above the maximum {meta['max']}".replace("  ", " "))


def main():
    endpoint, region = sys.argv[1], sys.argv[2]
    model = botocore.session.get_session().get_service_model("securityhub")
    request = model.operation_model("BatchImportFindings").input_shape
    hub = boto3.client(
        "securityhub",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )
    report = {"batches": 0, "sent": 0, "imported": 0, "failed": [], "violations": [], "readBack": 0, "missing": [], "changed": []}
    sent = {}
    for n, line in enumerate(l for l in sys.stdin if l.strip()):
        body = json.loads(line)
        report["batches"] += 1
        validate(request, body, f"batch {n + 1}", report["violations"])
        findings = body.get("Findings", [])
        for i, f in enumerate(findings):
            documented(f, f"batch {n + 1}.Findings[{i}]", report["violations"])
        report["sent"] += len(findings)
        for f in findings:
            sent[f.get("Id")] = f
        # boto3 validates the request as the AWS CLI does before sending it.
        try:
            resp = hub.batch_import_findings(**body)
        except botocore.exceptions.ParamValidationError as e:
            report["violations"].append(f"batch {n + 1}: botocore: {e}")
            continue
        report["imported"] += resp["SuccessCount"]
        report["failed"] += resp["FailedFindings"]
    got = {}
    for page in hub.get_paginator("get_findings").paginate(PaginationConfig={"PageSize": 100}):
        for f in page["Findings"]:
            got[f["Id"]] = f
    report["readBack"] = len(got)
    for fid, f in sent.items():
        if fid not in got:
            report["missing"].append(fid)
        elif got[fid] != f:
            report["changed"].append(fid)
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main()
