package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aiguard/aiguard/configitem"
)

const typeEndpointConfig = "AWS::SageMaker::EndpointConfig"

// Endpoint configurations cannot be changed, so every remediation ends the same way.
const endpointConfigRedeploy = "Create a new endpoint config with %s and point the endpoint at it."

func sagemakerEndpointConfigRules() []*Rule {
	variantFields := []string{
		"configuration.ProductionVariants.InstanceType",
		"configuration.ProductionVariants.ServerlessConfig.MaxConcurrency",
		"configuration.ProductionVariants.ServerlessConfig.MemorySizeInMB",
		"configuration.ProductionVariants.VariantName",
	}
	return []*Rule{
		{
			ID:    "sagemaker-endpoint-config-cmk-encrypted",
			Title: "SageMaker endpoint configs encrypt instance storage and captured data with customer managed KMS keys",
			Description: "An endpoint config with an instance-based production variant must name a KMS key (KmsKeyId) " +
				"for the instances' storage volumes, and when data capture is on, DataCaptureConfig.KmsKeyId for the " +
				"captured data; with kmsKeyArns, both keys must be among them (a key ID matches its key ARN, an " +
				"alias only the same alias). Configs whose every variant is serverless are NOT_APPLICABLE. SageMaker " +
				"refuses KmsKeyId when a variant uses an instance type with local NVMe storage (encrypted in " +
				"hardware: families with a d attribute such as m5d, g4dn, p4d, and g5, g6, g6e, gr6, p5, p5e, p5en, " +
				"p6-b200, trn1, trn1n, trn2), so KmsKeyId is then not required. AWS's managed rules " +
				"SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED and SAGEMAKER_ENDPOINT_CONFIG_KMS_KEY_REQUIRED " +
				"check only KmsKeyId, so they do not stand in for this rule. An endpoint is judged through the " +
				"endpoint config it names, where the input holds both (a template or plan): " + relatedNote,
			ResourceTypes: []string{typeEndpointConfig, typeEndpoint},
			Trigger:       ChangeTriggered,
			Params:        []Param{kmsKeyArnsParam()},
			Control:       ControlEBSEncryption,
			Severity:      SeverityMedium,
			Remediation: "Endpoint configs cannot be changed: create a new one with KmsKeyId (and, when data capture " +
				"is on, DataCaptureConfig.KmsKeyId) set to a customer managed KMS key, one of kmsKeyArns when given, " +
				"and update the endpoint to use it.",
			Fields: append([]string{
				"configuration.DataCaptureConfig.EnableCapture",
				"configuration.DataCaptureConfig.KmsKeyId",
				"configuration.KmsKeyId",
				"supplementaryConfiguration.EndpointConfig.configuration.KmsKeyId",
				"supplementaryConfiguration.EndpointConfig.configuration.DataCaptureConfig.KmsKeyId",
				"supplementaryConfiguration.EndpointConfig.configuration.ProductionVariants.InstanceType",
			}, variantFields...),
			Check: onEndpointConfig(checkEndpointConfigCMK),
		},
		{
			ID:    "sagemaker-endpoint-config-data-capture",
			Title: "SageMaker endpoint configs capture inference data",
			Description: "An endpoint config must have data capture on (DataCaptureConfig present with EnableCapture " +
				"not false; SageMaker's default when EnableCapture is absent is on) and a non-zero " +
				"InitialSamplingPercentage, so that inference requests and responses leave an audit trail in S3. " +
				"Configs whose every variant is serverless are NOT_APPLICABLE: serverless endpoints do not support " +
				"data capture.",
			ResourceTypes: []string{typeEndpointConfig},
			Trigger:       ChangeTriggered,
			// Data capture is the audit trail of inference calls, the part of
			// API call logging that CloudTrail does not record.
			Control:  ControlAPICallLogging,
			Severity: SeverityMedium,
			Remediation: "Endpoint configs cannot be changed: create a new one with DataCaptureConfig (EnableCapture " +
				"true, a DestinationS3Uri, CaptureOptions and a non-zero InitialSamplingPercentage) and update the " +
				"endpoint to use it.",
			Fields: append([]string{
				"configuration.DataCaptureConfig.EnableCapture",
				"configuration.DataCaptureConfig.InitialSamplingPercentage",
			}, variantFields[:3]...),
			Check: checkEndpointConfigDataCapture,
		},
		{
			ID:    "sagemaker-endpoint-config-multi-instance",
			Title: "SageMaker endpoint configs run each instance-based variant on several instances",
			Description: "Every instance-based production variant must have InitialInstanceCount of at least " +
				"minInstanceCount (default 2), so that SageMaker spreads it across Availability Zones. Configs whose " +
				"every variant is serverless are NOT_APPLICABLE. With the default minInstanceCount this is the check " +
				"of AWS's managed rule SAGEMAKER_ENDPOINT_CONFIG_PROD_INSTANCE_COUNT (NON_COMPLIANT when a count is " +
				"1); with another value only this rule applies it.",
			ResourceTypes: []string{typeEndpointConfig},
			Trigger:       ChangeTriggered,
			Params: []Param{{
				Name:        "minInstanceCount",
				Type:        Int,
				Description: "The fewest instances each instance-based production variant may start with.",
				Default:     "2",
				Min:         1,
				Max:         100,
			}},
			// The baseline has no availability control; until controls.go
			// gains one, the rule is filed under the endpoint control.
			Control:     ControlEndpointAvailability,
			SecurityHub: []string{"SageMaker.4"},
			ManagedRule: "SAGEMAKER_ENDPOINT_CONFIG_PROD_INSTANCE_COUNT",
			Severity:    SeverityMedium,
			Remediation: "Endpoint configs cannot be changed: create a new one whose instance-based variants have " +
				"InitialInstanceCount of at least minInstanceCount and update the endpoint to use it.",
			Fields: append([]string{"configuration.ProductionVariants.InitialInstanceCount"}, variantFields...),
			Check:  checkEndpointConfigMultiInstance,
		},
	}
}

func checkEndpointConfigCMK(item *configitem.Item, p Params) Verdict {
	cfg := item.Config()
	variants := endpointConfigVariants(cfg)
	instance := endpointInstanceVariants(variants)
	if len(variants) > 0 && len(instance) == 0 {
		return Skip("Every production variant is serverless: serverless endpoints have no instance storage for " +
			"KmsKeyId and do not support data capture.")
	}
	allowed := p.List("kmsKeyArns")
	var problems []string

	key, keyProblem := kmsKeyField(cfg.Field("KmsKeyId"))
	local := endpointLocalStorageVariant(instance)
	switch {
	case keyProblem == "" && !kmsKeyAllowed(key, allowed):
		problems = append(problems, kmsKeyNotAllowed("KmsKeyId", key))
	case keyProblem != "" && local == nil:
		problems = append(problems, "KmsKeyId "+keyProblem)
	}
	storageProblem := len(problems) > 0

	capture := endpointConfigDataCapture(cfg)
	if capture.state == endpointCaptureOn {
		dataKey, dataProblem := kmsKeyField(capture.config.Field("KmsKeyId"))
		switch {
		case dataProblem != "":
			problems = append(problems, "data capture is on but DataCaptureConfig.KmsKeyId "+dataProblem)
		case !kmsKeyAllowed(dataKey, allowed):
			problems = append(problems, kmsKeyNotAllowed("DataCaptureConfig.KmsKeyId", dataKey))
		}
	}

	if len(problems) > 0 {
		target := "a customer managed KMS key"
		if len(allowed) > 0 {
			target = "a key in kmsKeyArns"
		}
		fields := "KmsKeyId"
		switch {
		case len(problems) == 2:
			fields = "both keys"
		case !storageProblem:
			fields = "DataCaptureConfig.KmsKeyId"
		}
		return Fail("%s. "+endpointConfigRedeploy, strings.Join(problems, "; "), fields+" set to "+target)
	}
	if keyProblem != "" && capture.state != endpointCaptureOn {
		return Skip("SageMaker refuses KmsKeyId here: variant %s uses %s, whose local NVMe storage is encrypted in "+
			"hardware, and data capture is not on, so no other key applies.", local.name, local.instanceType)
	}
	return Pass()
}

func checkEndpointConfigDataCapture(item *configitem.Item, _ Params) Verdict {
	cfg := item.Config()
	variants := endpointConfigVariants(cfg)
	if len(variants) > 0 && len(endpointInstanceVariants(variants)) == 0 {
		return Skip("Every production variant is serverless, and serverless endpoints do not support data capture.")
	}
	capture := endpointConfigDataCapture(cfg)
	switch capture.state {
	case endpointCaptureAbsent:
		return Fail("DataCaptureConfig is not set, so the endpoint keeps no record of inference requests and "+
			"responses. "+endpointConfigRedeploy, "DataCaptureConfig (EnableCapture true, a DestinationS3Uri and CaptureOptions)")
	case endpointCaptureOff:
		return Fail("DataCaptureConfig.EnableCapture is false: data capture is configured but turned off. "+
			endpointConfigRedeploy, "EnableCapture true")
	case endpointCaptureUnreadable:
		return Fail("%s, so data capture cannot be confirmed. "+endpointConfigRedeploy, capture.problem,
			"DataCaptureConfig.EnableCapture true")
	}
	if n, ok := capture.config.Field("InitialSamplingPercentage").Int(); ok && n <= 0 {
		return Fail("Data capture is on but DataCaptureConfig.InitialSamplingPercentage is %d, so no request is "+
			"captured. "+endpointConfigRedeploy, n, "a non-zero InitialSamplingPercentage")
	}
	return Pass()
}

func checkEndpointConfigMultiInstance(item *configitem.Item, p Params) Verdict {
	minCount := p.Int("minInstanceCount")
	variants := endpointConfigVariants(item.Config())
	if len(variants) == 0 {
		return Skip("The endpoint config records no production variants; there is no instance count to judge.")
	}
	instance := endpointInstanceVariants(variants)
	if len(instance) == 0 {
		return Skip("Every production variant is serverless; serverless endpoints have no instance count.")
	}
	var problems []string
	for _, v := range instance {
		n, ok := v.count.Int()
		switch {
		case !v.count.Present():
			problems = append(problems, "variant "+v.name+" sets no InitialInstanceCount")
		case !ok:
			problems = append(problems, "variant "+v.name+" has an InitialInstanceCount that is not a whole number")
		case n < minCount:
			problems = append(problems, "variant "+v.name+" has InitialInstanceCount "+strconv.FormatInt(n, 10))
		}
	}
	if len(problems) == 0 {
		return Pass()
	}
	return Fail("%s; each instance-based variant needs at least %d instances. "+endpointConfigRedeploy,
		strings.Join(problems, "; "), minCount, fmt.Sprintf("InitialInstanceCount of at least %d", minCount))
}

// endpointVariant is what the rules need of one production variant.
type endpointVariant struct {
	name         string // VariantName, or "#n" (1-based) when it has none
	instanceType string
	serverless   bool
	count        configitem.Value
}

// endpointConfigVariants reads the production variants. A variant is
// serverless when it has a ServerlessConfig and no InstanceType; anything
// else, malformed variants included, is judged as instance-based.
func endpointConfigVariants(cfg configitem.Value) []endpointVariant {
	list := cfg.Field("ProductionVariants").List()
	out := make([]endpointVariant, 0, len(list))
	for i, v := range list {
		name, _ := v.Field("VariantName").Text()
		if name = strings.TrimSpace(name); name == "" {
			name = "#" + strconv.Itoa(i+1)
		}
		instanceType, _ := v.Field("InstanceType").Text()
		instanceType = strings.TrimSpace(instanceType)
		serverless := v.Path("ServerlessConfig.MemorySizeInMB").Present() ||
			v.Path("ServerlessConfig.MaxConcurrency").Present()
		out = append(out, endpointVariant{
			name:         name,
			instanceType: instanceType,
			serverless:   serverless && instanceType == "",
			count:        v.Field("InitialInstanceCount"),
		})
	}
	return out
}

func endpointInstanceVariants(variants []endpointVariant) []endpointVariant {
	var out []endpointVariant
	for _, v := range variants {
		if !v.serverless {
			out = append(out, v)
		}
	}
	return out
}

// endpointLocalStorageVariant returns the first variant whose instance type has
// local NVMe instance storage, or nil.
func endpointLocalStorageVariant(variants []endpointVariant) *endpointVariant {
	for i := range variants {
		if mlInstanceHasLocalStorage(variants[i].instanceType) {
			return &variants[i]
		}
	}
	return nil
}

// mlLocalStorageFamilies are the SageMaker instance families with local
// NVMe instance storage whose names carry no "d" attribute.
var mlLocalStorageFamilies = map[string]bool{
	"g5": true, "g6": true, "g6e": true, "gr6": true,
	"p5": true, "p5e": true, "p5en": true, "p6-b200": true,
	"trn1": true, "trn1n": true, "trn2": true,
}

// mlInstanceHasLocalStorage reports whether an ML instance type ("ml.g5.xlarge")
// comes with local NVMe instance storage, for which SageMaker refuses a
// KmsKeyId. EC2 names such families with a "d" among the attribute letters
// after the generation (m5d, c6id, g4dn, p4de); the rest are listed in
// mlLocalStorageFamilies. Unknown families count as EBS-backed.
func mlInstanceHasLocalStorage(instanceType string) bool {
	t := strings.ToLower(strings.TrimSpace(instanceType))
	t, ok := strings.CutPrefix(t, "ml.")
	if !ok {
		return false
	}
	family, _, _ := strings.Cut(t, ".")
	if mlLocalStorageFamilies[family] {
		return true
	}
	i := 0
	for i < len(family) && 'a' <= family[i] && family[i] <= 'z' {
		i++
	}
	if i == 0 || i == len(family) || family[i] < '0' || family[i] > '9' {
		return false
	}
	for i < len(family) && '0' <= family[i] && family[i] <= '9' {
		i++
	}
	attrs, _, _ := strings.Cut(family[i:], "-")
	return strings.Contains(attrs, "d")
}

// Data capture states.
const (
	endpointCaptureAbsent = iota
	endpointCaptureOff
	endpointCaptureOn
	endpointCaptureUnreadable
)

type endpointDataCapture struct {
	state int
	// config is the DataCaptureConfig object (when state is endpointCaptureOn or endpointCaptureOff).
	config configitem.Value
	// problem says why the state is endpointCaptureUnreadable.
	problem string
}

// endpointConfigDataCapture reads DataCaptureConfig. EnableCapture defaults
// to true in the SageMaker API, so a DataCaptureConfig without it is on.
func endpointConfigDataCapture(cfg configitem.Value) endpointDataCapture {
	dc := cfg.Field("DataCaptureConfig")
	if !dc.Present() {
		return endpointDataCapture{state: endpointCaptureAbsent}
	}
	// List unwraps a JSON-encoded object and tolerates a one-element list.
	list := dc.List()
	if len(list) != 1 {
		return endpointDataCapture{state: endpointCaptureUnreadable, problem: "DataCaptureConfig is a list, not an object"}
	}
	dc = list[0]
	if !dc.IsObject() {
		return endpointDataCapture{state: endpointCaptureUnreadable, problem: "DataCaptureConfig is not an object"}
	}
	enable := dc.Field("EnableCapture")
	if !enable.Exists() || enable.IsNull() {
		return endpointDataCapture{state: endpointCaptureOn, config: dc}
	}
	on, ok := enable.Bool()
	switch {
	case !ok:
		return endpointDataCapture{state: endpointCaptureUnreadable, config: dc, problem: "DataCaptureConfig.EnableCapture is not true or false"}
	case on:
		return endpointDataCapture{state: endpointCaptureOn, config: dc}
	}
	return endpointDataCapture{state: endpointCaptureOff, config: dc}
}
