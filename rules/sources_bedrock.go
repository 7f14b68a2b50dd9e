package rules

import (
	"context"
	"time"
)

// This file declares the sources of the Bedrock, Comprehend and Rekognition
// periodic rules, and of the S3 buckets and CloudWatch Logs log groups that
// Bedrock's invocation logging writes to. Each is a field of Sources;
// package sources implements them over the AWS SDK.

// Bedrock reads Amazon Bedrock's account settings, custom models and model
// customization jobs.
type Bedrock interface {
	// InvocationLogging returns the model invocation logging
	// configuration; nil when none is set.
	InvocationLogging(ctx context.Context) (*InvocationLogging, error)
	CustomModels(ctx context.Context) ([]CustomModel, error)
	// CustomizationJobs returns the customization jobs created at or after
	// since.
	CustomizationJobs(ctx context.Context, since time.Time) ([]CustomizationJob, error)
}

// BedrockAgents lists Bedrock agents.
type BedrockAgents interface {
	Agents(ctx context.Context) ([]Agent, error)
}

// Comprehend lists Amazon Comprehend's asynchronous analysis jobs.
type Comprehend interface {
	// PIIEntitiesJobs and EntitiesJobs return the PII-entities and entities
	// detection jobs submitted at or after since.
	PIIEntitiesJobs(ctx context.Context, since time.Time) ([]ComprehendJob, error)
	EntitiesJobs(ctx context.Context, since time.Time) ([]ComprehendJob, error)
}

// Rekognition lists Amazon Rekognition face collections with their tags.
type Rekognition interface {
	// Collections lists the collections of account in region: the API
	// lists collections by ID only, and their ARNs (which ListTagsForResource
	// takes and evaluations carry) are built from the two.
	Collections(ctx context.Context, region, account string) ([]FaceCollection, error)
}

// S3Buckets reads S3 buckets' settings.
type S3Buckets interface {
	// BucketEncryption returns the bucket's default encryption. A bucket
	// that does not exist is reported by Exists, not by an error.
	BucketEncryption(ctx context.Context, bucket string) (BucketEncryption, error)
}

// LogGroups reads CloudWatch Logs log groups.
type LogGroups interface {
	// LogGroup returns the log group of that exact name, nil when there is
	// none.
	LogGroup(ctx context.Context, name string) (*LogGroup, error)
}

// InvocationLogging is GetModelInvocationLoggingConfiguration's loggingConfig.
type InvocationLogging struct {
	// S3Bucket is s3Config.bucketName ("" when logging to S3 is off).
	S3Bucket string
	// LogGroup is cloudWatchConfig.logGroupName ("" when logging to
	// CloudWatch Logs is off); LargeDataBucket is its
	// largeDataDeliveryS3Config.bucketName.
	LogGroup        string
	LargeDataBucket string
}

// BucketEncryption is an S3 bucket's default encryption
// (GetBucketEncryption's first rule's ApplyServerSideEncryptionByDefault).
type BucketEncryption struct {
	Bucket string
	// Exists is false when S3 answers NoSuchBucket.
	Exists bool
	// Algorithm is SSEAlgorithm (AES256, aws:kms, aws:kms:dsse); "" when
	// the bucket has no default encryption configuration.
	Algorithm string
	// KMSKey is KMSMasterKeyID; "" means the AWS managed key aws/s3.
	KMSKey string
}

// LogGroup is what the rules need of a DescribeLogGroups entry.
type LogGroup struct {
	Name, ARN string
	KMSKey    string // kmsKeyId
}

// CustomModel is what the rules need of GetCustomModel.
type CustomModel struct {
	Name, ARN string
	Created   time.Time
	KMSKey    string // modelKmsKeyArn
}

// CustomizationJob is what the rules need of GetModelCustomizationJob.
type CustomizationJob struct {
	Name, ARN string
	Created   time.Time
	Status    string
	// OutputKMSKey is outputModelKmsKeyArn.
	OutputKMSKey string
	// VpcSubnets and VpcSecurityGroups are vpcConfig's; empty without one.
	VpcSubnets        []string
	VpcSecurityGroups []string
}

// Agent is what the rules need of GetAgent.
type Agent struct {
	ID, Name, ARN string
	Status        string
	// GuardrailID is guardrailConfiguration.guardrailIdentifier.
	GuardrailID      string
	GuardrailVersion string
	KMSKey           string // customerEncryptionKeyArn
	// IdleSessionTTL is idleSessionTTLInSeconds.
	IdleSessionTTL int
}

// ComprehendJob is what the rules need of a Comprehend detection job's
// properties.
type ComprehendJob struct {
	ID, Name, ARN string
	Submitted     time.Time // SubmitTime
	Status        string
	VolumeKMSKey  string // VolumeKmsKeyId
	OutputKMSKey  string // OutputDataConfig.KmsKeyId
	// VpcSubnets and VpcSecurityGroups are VpcConfig's.
	VpcSubnets        []string
	VpcSecurityGroups []string
	// PII marks a PII-entities detection job, whose API takes neither a
	// VolumeKmsKeyId nor a VpcConfig (StartPiiEntitiesDetectionJob has no
	// such members), so only its output key can be required.
	PII bool
}

// FaceCollection is a Rekognition collection with its tags.
type FaceCollection struct {
	ID, ARN string
	Tags    map[string]string
}
