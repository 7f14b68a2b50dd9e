"""Creates resources in moto_server through boto3 for aiguard's moto suite.

    python3 seed.py ENDPOINT SCENARIO

prints a JSON object of what it made (names, ARNs, account). Each scenario is
a function below; the Go tests (e2e/moto_test.go) hold the expectations.
Only API calls whose answers moto 5.2.1 gives as the AWS API models say are
used: see the notes in moto_test.go for the rest.
"""

import json
import sys

import boto3

REGION = "us-east-1"
KEY = "arn:aws:kms:us-east-1:{account}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SUBNET = "subnet-0123456789abcdef0"
GROUP = "sg-0123456789abcdef0"


def client(endpoint, service):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )


def account(endpoint):
    return client(endpoint, "sts").get_caller_identity()["Account"]


def execution_role(endpoint, name="aiguard-e2e-sagemaker"):
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
    return client(endpoint, "iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]


def training_jobs(endpoint, acct, count):
    """count training jobs: every third without network isolation; job-00001
    also without a VpcConfig and an output key."""
    sm = client(endpoint, "sagemaker")
    role = execution_role(endpoint)
    key = KEY.format(account=acct)
    names = []
    for i in range(count):
        name = f"job-{i:05d}"
        args = dict(
            TrainingJobName=name,
            AlgorithmSpecification={"TrainingImage": f"{acct}.dkr.ecr.{REGION}.amazonaws.com/train:1", "TrainingInputMode": "File"},
            RoleArn=role,
            OutputDataConfig={"S3OutputPath": "s3://aiguard-e2e-output/", "KmsKeyId": key},
            ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10, "VolumeKmsKeyId": key},
            StoppingCondition={"MaxRuntimeInSeconds": 3600},
            VpcConfig={"SecurityGroupIds": [GROUP], "Subnets": [SUBNET]},
            EnableNetworkIsolation=i % 3 != 0,
            EnableInterContainerTrafficEncryption=True,
        )
        if i == 1:
            del args["VpcConfig"]
            args["OutputDataConfig"] = {"S3OutputPath": "s3://aiguard-e2e-output/"}
        sm.create_training_job(**args)
        names.append(name)
    return names


def transform_jobs(endpoint, acct):
    """Two transform jobs: one with both KMS keys, one with neither."""
    sm = client(endpoint, "sagemaker")
    key = KEY.format(account=acct)
    out = {}
    for name, keyed in (("transform-keyed", True), ("transform-plain", False)):
        output = {"S3OutputPath": "s3://aiguard-e2e-output/transform/"}
        resources = {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1}
        if keyed:
            output["KmsKeyId"] = key
            resources["VolumeKmsKeyId"] = key
        sm.create_transform_job(
            TransformJobName=name,
            ModelName="aiguard-e2e-model",
            TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://aiguard-e2e-input/"}}},
            TransformOutput=output,
            TransformResources=resources,
        )
        out[name] = sm.describe_transform_job(TransformJobName=name)["TransformJobArn"]
    return out


def encrypted_bucket(endpoint, acct, name, tags=None):
    s3 = client(endpoint, "s3")
    s3.create_bucket(Bucket=name)
    s3.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY.format(account=acct)}}]
        },
    )
    if tags:
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})


def invocation_logging(endpoint, acct):
    """Bedrock model invocation logging to a KMS-encrypted bucket and log group."""
    encrypted_bucket(endpoint, acct, "aiguard-e2e-invocations")
    client(endpoint, "logs").create_log_group(logGroupName="/aws/bedrock/invocations", kmsKeyId=KEY.format(account=acct))
    client(endpoint, "bedrock").put_model_invocation_logging_configuration(
        loggingConfig={
            "cloudWatchConfig": {"logGroupName": "/aws/bedrock/invocations", "roleArn": f"arn:aws:iam::{acct}:role/bedrock-logging"},
            "s3Config": {"bucketName": "aiguard-e2e-invocations", "keyPrefix": "invocations/"},
            "textDataDeliveryEnabled": True,
            "imageDataDeliveryEnabled": True,
            "embeddingDataDeliveryEnabled": True,
        }
    )
    return {"bucket": "aiguard-e2e-invocations", "logGroup": "/aws/bedrock/invocations"}


def trail(endpoint, acct):
    """A multi-Region, validated, KMS-encrypted trail recording all management
    events and the data events of the bucket tagged ml=true; one more tagged
    bucket whose data events no trail records is added by trail_gap."""
    encrypted_bucket(endpoint, acct, "aiguard-e2e-trail-logs")
    encrypted_bucket(endpoint, acct, "aiguard-e2e-ml-data", {"ml": "true"})
    encrypted_bucket(endpoint, acct, "aiguard-e2e-web", {"ml": "false"})
    ct = client(endpoint, "cloudtrail")
    arn = ct.create_trail(
        Name="org-audit",
        S3BucketName="aiguard-e2e-trail-logs",
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
        KmsKeyId=KEY.format(account=acct),
    )["TrailARN"]
    ct.put_event_selectors(
        TrailName="org-audit",
        EventSelectors=[
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": True,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::aiguard-e2e-ml-data/"]}],
            }
        ],
    )
    ct.start_logging(Name="org-audit")
    return {"trail": arn}


def trail_gap(endpoint, acct):
    encrypted_bucket(endpoint, acct, "aiguard-e2e-ml-unlogged", {"ml": "yes"})
    return {"bucket": "aiguard-e2e-ml-unlogged"}


def detector(endpoint, acct):
    gd = client(endpoint, "guardduty")
    d = gd.create_detector(Enable=True, Features=[{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}])["DetectorId"]
    return {"detector": d}


def detector_off(endpoint, acct):
    gd = client(endpoint, "guardduty")
    d = gd.list_detectors()["DetectorIds"][0]
    gd.update_detector(DetectorId=d, Enable=True, Features=[{"Name": "S3_DATA_EVENTS", "Status": "DISABLED"}])
    return {"detector": d}


SCOPED_V2 = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::aiguard-e2e-ml-data/*"}],
}
INLINE = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}}],
}


def scoped_role(endpoint):
    """A SageMaker execution role with a customer managed policy, whose
    default version is its second, and an inline policy."""
    iam = client(endpoint, "iam")
    arn = execution_role(endpoint, "aiguard-e2e-scoped")
    v1 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    policy = iam.create_policy(PolicyName="aiguard-e2e-data", PolicyDocument=json.dumps(v1))["Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=policy, PolicyDocument=json.dumps(SCOPED_V2), SetAsDefault=True)
    iam.attach_role_policy(RoleName="aiguard-e2e-scoped", PolicyArn=policy)
    iam.put_role_policy(RoleName="aiguard-e2e-scoped", PolicyName="kms-via-s3", PolicyDocument=json.dumps(INLINE))
    return {"role": arn, "policy": policy, "policyDocument": SCOPED_V2, "inlineDocument": INLINE}


def periodic(endpoint):
    acct = account(endpoint)
    out = {"account": acct}
    out["trainingJobs"] = training_jobs(endpoint, acct, 105)
    out["transformJobs"] = transform_jobs(endpoint, acct)
    out["invocationLogging"] = invocation_logging(endpoint, acct)
    out.update(trail(endpoint, acct))
    out.update(detector(endpoint, acct))
    out["scopedRole"] = scoped_role(endpoint)
    return out


def buckets(endpoint):
    """ML-tagged buckets for the change rules (Config records S3 buckets in
    moto): one hardened, one open."""
    acct = account(endpoint)
    s3 = client(endpoint, "s3")
    hardened, open_ = "aiguard-e2e-hardened", "aiguard-e2e-open"
    for name in (hardened, open_, "aiguard-e2e-access-logs"):
        s3.create_bucket(Bucket=name)
    for name in (hardened, open_):
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "ml-data", "Value": "true"}]})
    # S3 writes access logs to a bucket whose policy lets its logging
    # service in.
    s3.put_bucket_policy(
        Bucket="aiguard-e2e-access-logs",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "logging.s3.amazonaws.com"},
                        "Action": ["s3:PutObject"],
                        "Resource": "arn:aws:s3:::aiguard-e2e-access-logs/*",
                    }
                ],
            }
        ),
    )
    s3.put_bucket_logging(
        Bucket=hardened,
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "aiguard-e2e-access-logs", "TargetPrefix": "hardened/"}},
    )
    s3.put_public_access_block(
        Bucket=hardened,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    deny_http = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{hardened}", f"arn:aws:s3:::{hardened}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {
                "Sid": "DenyOldTLS",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{hardened}", f"arn:aws:s3:::{hardened}/*"],
                "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}},
            },
        ],
    }
    s3.put_bucket_policy(Bucket=hardened, Policy=json.dumps(deny_http))
    # The member-account role the Lambda assumes.
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
    role = client(endpoint, "iam").create_role(RoleName="aiguard-member", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    return {"account": acct, "hardened": hardened, "open": open_, "logs": "aiguard-e2e-access-logs", "memberRole": role}


SCENARIOS = {
    "periodic": periodic,
    "buckets": buckets,
    "trail-gap": lambda e: trail_gap(e, account(e)),
    "detector-off": lambda e: detector_off(e, account(e)),
}

if __name__ == "__main__":
    endpoint, scenario = sys.argv[1], sys.argv[2]
    json.dump(SCENARIOS[scenario](endpoint), sys.stdout)
