package rules

import (
	"strings"
	"testing"
)

// endpointConfigJSON builds an endpoint config from its parts; each part is
// a JSON fragment or "" to leave the property out.
func endpointConfigJSON(kmsKeyID, dataCapture string, variants ...string) string {
	props := []string{`"EndpointConfigName":"fraud-xgb"`}
	if kmsKeyID != "" {
		props = append(props, `"KmsKeyId":`+kmsKeyID)
	}
	if dataCapture != "" {
		props = append(props, `"DataCaptureConfig":`+dataCapture)
	}
	if variants != nil {
		props = append(props, `"ProductionVariants":[`+strings.Join(variants, ",")+`]`)
	}
	return `{` + strings.Join(props, ",") + `}`
}

const (
	ecInstance   = `{"VariantName":"AllTraffic","ModelName":"fraud-xgb","InstanceType":"ml.m5.xlarge","InitialInstanceCount":2,"InitialVariantWeight":1}`
	ecSingle     = `{"VariantName":"Canary","ModelName":"fraud-xgb","InstanceType":"ml.c5.large","InitialInstanceCount":1}`
	ecGPU        = `{"VariantName":"Gpu","ModelName":"fraud-llm","InstanceType":"ml.g5.2xlarge","InitialInstanceCount":2}`
	ecServerless = `{"VariantName":"Serverless","ModelName":"fraud-xgb","ServerlessConfig":{"MemorySizeInMB":2048,"MaxConcurrency":5}}`
	ecKey        = `"` + hardeningKeyARN + `"`
	ecCaptureKey = `{"EnableCapture":true,"InitialSamplingPercentage":100,"DestinationS3Uri":"s3://fraud-ml-capture/xgb","KmsKeyId":` + ecKey + `,"CaptureOptions":[{"CaptureMode":"Input"},{"CaptureMode":"Output"}]}`
	ecCaptureRaw = `{"EnableCapture":true,"InitialSamplingPercentage":20,"DestinationS3Uri":"s3://fraud-ml-capture/xgb","CaptureOptions":[{"CaptureMode":"Input"}]}`
	ecCaptureOff = `{"EnableCapture":false,"InitialSamplingPercentage":20,"DestinationS3Uri":"s3://fraud-ml-capture/xgb","CaptureOptions":[{"CaptureMode":"Input"}]}`
	ecCaptureDef = `{"InitialSamplingPercentage":20,"DestinationS3Uri":"s3://fraud-ml-capture/xgb","CaptureOptions":[{"CaptureMode":"Input"}]}`
)

func TestEndpointConfigCMKEncrypted(t *testing.T) {
	allow := map[string]string{"kmsKeyArns": hardeningKeyARN}
	runHardeningCases(t, sagemakerEndpointConfigRules(), typeEndpointConfig, "sagemaker-endpoint-config-cmk-encrypted", []hardeningCase{
		{name: "key, no capture", config: endpointConfigJSON(ecKey, "", ecInstance), want: Compliant},
		{name: "key and capture key", config: endpointConfigJSON(ecKey, ecCaptureKey, ecInstance), want: Compliant},
		{name: "camelCase", config: `{"kmsKeyId":` + ecKey + `,"productionVariants":[{"instanceType":"ml.m5.xlarge","initialInstanceCount":2}]}`, want: Compliant},
		{name: "key, capture off without key", config: endpointConfigJSON(ecKey, ecCaptureOff, ecInstance), want: Compliant},
		{name: "allowed by key ID", config: endpointConfigJSON(`"1234abcd-12ab-34cd-56ef-1234567890ab"`, ecCaptureKey, ecInstance),
			params: allow, want: Compliant},
		{name: "no key", config: endpointConfigJSON("", "", ecInstance), want: NonCompliant,
			contains: []string{"KmsKeyId is not set", "Create a new endpoint config with KmsKeyId set to a customer managed KMS key"}},
		{name: "no key, mixed variants", config: endpointConfigJSON("", "", ecServerless, ecInstance), want: NonCompliant,
			contains: []string{"KmsKeyId is not set"}},
		{name: "capture without key", config: endpointConfigJSON(ecKey, ecCaptureRaw, ecInstance), want: NonCompliant,
			contains: []string{"data capture is on but DataCaptureConfig.KmsKeyId is not set", "with DataCaptureConfig.KmsKeyId set to"}, absent: []string{"KmsKeyId is not set;"}},
		{name: "capture on by default without key", config: endpointConfigJSON(ecKey, ecCaptureDef, ecInstance), want: NonCompliant,
			contains: []string{"DataCaptureConfig.KmsKeyId is not set"}},
		{name: "neither key", config: endpointConfigJSON("", ecCaptureRaw, ecInstance), want: NonCompliant,
			contains: []string{"KmsKeyId is not set", "DataCaptureConfig.KmsKeyId is not set", "with both keys set to a customer managed KMS key"}},
		{name: "key not allowed", config: endpointConfigJSON(`"alias/fraud"`, "", ecInstance), params: allow, want: NonCompliant,
			contains: []string{"KmsKeyId alias/fraud is not in kmsKeyArns", "set to a key in kmsKeyArns"}},
		{name: "capture key not allowed", config: endpointConfigJSON(ecKey, strings.Replace(ecCaptureKey, hardeningKeyARN, "alias/capture", 1), ecInstance),
			params: allow, want: NonCompliant, contains: []string{"DataCaptureConfig.KmsKeyId alias/capture is not in kmsKeyArns"}},
		{name: "key as object", config: endpointConfigJSON(`{"Arn":"x"}`, "", ecInstance), want: NonCompliant,
			contains: []string{"KmsKeyId is not a string"}},
		{name: "no variants recorded", config: endpointConfigJSON("", ""), want: NonCompliant, contains: []string{"KmsKeyId is not set"}},
		{name: "no configuration", want: NotApplicable, contains: []string{"carries no configuration"}},

		{name: "all serverless", config: endpointConfigJSON("", ecCaptureRaw, ecServerless), want: NotApplicable,
			contains: []string{"serverless"}},
		{name: "local storage, no capture", config: endpointConfigJSON("", "", ecGPU), want: NotApplicable,
			contains: []string{"variant Gpu uses ml.g5.2xlarge", "local NVMe storage"}},
		{name: "local storage in a mixed config", config: endpointConfigJSON("", ecCaptureOff, ecInstance, ecGPU), want: NotApplicable,
			contains: []string{"ml.g5.2xlarge"}},
		{name: "local storage, capture with key", config: endpointConfigJSON("", ecCaptureKey, ecGPU), want: Compliant},
		{name: "local storage, capture without key", config: endpointConfigJSON("", ecCaptureRaw, ecGPU), want: NonCompliant,
			contains: []string{"DataCaptureConfig.KmsKeyId is not set"}, absent: []string{"KmsKeyId is not set;"}},
	})
}

func TestEndpointConfigDataCapture(t *testing.T) {
	runHardeningCases(t, sagemakerEndpointConfigRules(), typeEndpointConfig, "sagemaker-endpoint-config-data-capture", []hardeningCase{
		{name: "enabled", config: endpointConfigJSON(ecKey, ecCaptureKey, ecInstance), want: Compliant},
		{name: "enabled by default", config: endpointConfigJSON(ecKey, ecCaptureDef, ecInstance), want: Compliant},
		{name: "string true", config: endpointConfigJSON(ecKey, `{"EnableCapture":"true","InitialSamplingPercentage":5}`, ecInstance), want: Compliant},
		{name: "camelCase", config: `{"dataCaptureConfig":{"enableCapture":true,"initialSamplingPercentage":5},"productionVariants":[{"instanceType":"ml.m5.xlarge"}]}`,
			want: Compliant},
		{name: "one-element list", config: endpointConfigJSON(ecKey, `[`+ecCaptureKey+`]`, ecInstance), want: Compliant},
		{name: "absent", config: endpointConfigJSON(ecKey, "", ecInstance), want: NonCompliant,
			contains: []string{"DataCaptureConfig is not set", "EnableCapture true"}},
		{name: "null", config: endpointConfigJSON(ecKey, "null", ecInstance), want: NonCompliant, contains: []string{"DataCaptureConfig is not set"}},
		{name: "empty object", config: endpointConfigJSON(ecKey, "{}", ecInstance), want: NonCompliant, contains: []string{"DataCaptureConfig is not set"}},
		{name: "no configuration", want: NotApplicable, contains: []string{"carries no configuration"}},
		{name: "disabled", config: endpointConfigJSON(ecKey, ecCaptureOff, ecInstance), want: NonCompliant,
			contains: []string{"EnableCapture is false", "turned off"}, absent: []string{"not set"}},
		{name: "string false", config: endpointConfigJSON(ecKey, `{"EnableCapture":"false"}`, ecInstance), want: NonCompliant,
			contains: []string{"EnableCapture is false"}},
		{name: "zero sampling", config: endpointConfigJSON(ecKey, `{"EnableCapture":true,"InitialSamplingPercentage":0}`, ecInstance),
			want: NonCompliant, contains: []string{"InitialSamplingPercentage is 0"}},
		{name: "odd EnableCapture", config: endpointConfigJSON(ecKey, `{"EnableCapture":"yes"}`, ecInstance), want: NonCompliant,
			contains: []string{"EnableCapture is not true or false"}},
		{name: "capture as string", config: endpointConfigJSON(ecKey, `"on"`, ecInstance), want: NonCompliant,
			contains: []string{"DataCaptureConfig is not an object"}},
		{name: "capture as two-element list", config: endpointConfigJSON(ecKey, `[{},{}]`, ecInstance), want: NonCompliant,
			contains: []string{"DataCaptureConfig is a list"}},
		{name: "all serverless", config: endpointConfigJSON("", "", ecServerless), want: NotApplicable,
			contains: []string{"serverless endpoints do not support data capture"}},
		{name: "mixed is judged", config: endpointConfigJSON("", "", ecServerless, ecInstance), want: NonCompliant},
	})
}

func TestEndpointConfigMultiInstance(t *testing.T) {
	three := map[string]string{"minInstanceCount": "3"}
	runHardeningCases(t, sagemakerEndpointConfigRules(), typeEndpointConfig, "sagemaker-endpoint-config-multi-instance", []hardeningCase{
		{name: "two instances", config: endpointConfigJSON(ecKey, "", ecInstance), want: Compliant},
		{name: "string count", config: endpointConfigJSON(ecKey, "", `{"VariantName":"A","InstanceType":"ml.m5.xlarge","InitialInstanceCount":"2"}`),
			want: Compliant},
		{name: "camelCase", config: `{"productionVariants":[{"variantName":"A","instanceType":"ml.m5.xlarge","initialInstanceCount":4}]}`, want: Compliant},
		{name: "serverless variant ignored", config: endpointConfigJSON(ecKey, "", ecServerless, ecInstance), want: Compliant},
		{name: "single object, not a list", config: `{"ProductionVariants":` + ecInstance + `}`, want: Compliant},
		{name: "one instance", config: endpointConfigJSON(ecKey, "", ecInstance, ecSingle), want: NonCompliant,
			contains: []string{"variant Canary has InitialInstanceCount 1", "at least 2 instances", "InitialInstanceCount of at least 2"},
			absent:   []string{"AllTraffic"}},
		{name: "min 3", config: endpointConfigJSON(ecKey, "", ecInstance, ecSingle), params: three, want: NonCompliant,
			contains: []string{"variant AllTraffic has InitialInstanceCount 2", "variant Canary has InitialInstanceCount 1", "at least 3"}},
		{name: "count absent", config: endpointConfigJSON(ecKey, "", `{"VariantName":"A","InstanceType":"ml.m5.xlarge"}`), want: NonCompliant,
			contains: []string{"variant A sets no InitialInstanceCount"}},
		{name: "count fractional", config: endpointConfigJSON(ecKey, "", `{"InstanceType":"ml.m5.xlarge","InitialInstanceCount":2.5}`), want: NonCompliant,
			contains: []string{"variant #1 has an InitialInstanceCount that is not a whole number"}},
		{name: "count zero", config: endpointConfigJSON(ecKey, "", `{"VariantName":"A","InstanceType":"ml.m5.xlarge","InitialInstanceCount":0}`),
			want: NonCompliant, contains: []string{"InitialInstanceCount 0"}},
		{name: "variant not an object", config: endpointConfigJSON(ecKey, "", `"AllTraffic"`), want: NonCompliant,
			contains: []string{"variant #1 sets no InitialInstanceCount"}},
		{name: "all serverless", config: endpointConfigJSON("", "", ecServerless), want: NotApplicable, contains: []string{"serverless"}},
		{name: "no variants", config: endpointConfigJSON(ecKey, ""), want: NotApplicable, contains: []string{"no production variants"}},
		{name: "no configuration", want: NotApplicable, contains: []string{"carries no configuration"}},
	})
}

func TestEndpointConfigMultiInstanceParam(t *testing.T) {
	r := groupRule(t, sagemakerEndpointConfigRules(), "sagemaker-endpoint-config-multi-instance")
	if got := r.DefaultParams().Int("minInstanceCount"); got != 2 {
		t.Errorf("default minInstanceCount = %d, want 2", got)
	}
	for _, v := range []string{"0", "-1", "101", "two", "2.5"} {
		if _, err := r.ParseParams(map[string]string{"minInstanceCount": v}); err == nil {
			t.Errorf("minInstanceCount=%q: no error", v)
		}
	}
	for _, v := range []string{"1", "100"} {
		if _, err := r.ParseParams(map[string]string{"minInstanceCount": v}); err != nil {
			t.Errorf("minInstanceCount=%q: %v", v, err)
		}
	}
}

func TestMLInstanceHasLocalStorage(t *testing.T) {
	tests := map[string]bool{
		"ml.m5.xlarge": false, "ml.c5.large": false, "ml.c5n.xlarge": false, "ml.inf1.xlarge": false, "ml.inf2.xlarge": false,
		"ml.p3.2xlarge": false, "ml.t2.medium": false, "ml.c7g.large": false, "ml.r6i.large": false,
		"ml.m5d.large": true, "ml.c5d.xlarge": true, "ml.r5d.2xlarge": true, "ml.g4dn.xlarge": true, "ml.p3dn.24xlarge": true,
		"ml.p4d.24xlarge": true, "ml.p4de.24xlarge": true, "ml.c6id.large": true, "ml.m6gd.large": true,
		"ml.g5.2xlarge": true, "ml.G6.xlarge": true, "ml.g6e.xlarge": true, "ml.gr6.4xlarge": true, "ml.p5.48xlarge": true,
		"ml.p5e.48xlarge": true, "ml.p5en.48xlarge": true, "ml.p6-b200.48xlarge": true, "ml.trn1.2xlarge": true,
		"ml.trn1n.32xlarge": true, "ml.trn2.48xlarge": true,
		"": false, "ml.": false, "m5d.large": false, "ml.5d.large": false, "ml.dd.large": false, "ml.x-d1.large": false,
	}
	for in, want := range tests {
		if got := mlInstanceHasLocalStorage(in); got != want {
			t.Errorf("mlInstanceHasLocalStorage(%q) = %v, want %v", in, got, want)
		}
	}
}
