package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/configitem"
)

// SageMaker rules beyond the first catalog: notebook IMDS and platform,
// where models pull their images from, inference experiment keys, tags and
// the Studio domain's authentication mode.

const (
	typeInferenceExperiment = "AWS::SageMaker::InferenceExperiment"
	typeAppImageConfig      = "AWS::SageMaker::AppImageConfig"
	typeSageMakerImage      = "AWS::SageMaker::Image"
)

// defaultSupportedPlatforms is the platform identifier Security Hub's
// SageMaker.8 accepts (notebook-al2023-v1): the Amazon Linux 2 platforms
// (notebook-al2-v1, -v2, -v3) reached the end of Amazon Linux 2's support on
// 2026-06-30, and notebook-al1-v1 long before.
const defaultSupportedPlatforms = "notebook-al2023-v1"

// platformIdentifier is SageMaker's pattern for PlatformIdentifier values
// (CreateNotebookInstance: at most 20 characters).
var platformIdentifier = &Regexp{Expr: `^notebook-al[0-9a-z]+-v[0-9]+$`}

// ecrRegistryAccount returns the account of an image in an ECR private
// registry, <account>.dkr.ecr[-fips].<region>.<partition's DNS
// suffix>/<repository>[:tag|@digest]; false for any other image.
func ecrRegistryAccount(image string) (string, bool) {
	host, repo, ok := strings.Cut(image, "/")
	if !ok || repo == "" || strings.ContainsAny(repo, "\t\n\f\r ") {
		return "", false
	}
	account, rest, _ := strings.Cut(host, ".")
	if !awsid.IsAccountID(account) {
		return "", false
	}
	rest, ok = strings.CutPrefix(rest, "dkr.ecr.")
	if !ok {
		if rest, ok = strings.CutPrefix(rest, "dkr.ecr-fips."); !ok {
			return "", false
		}
	}
	region, suffix, _ := strings.Cut(rest, ".")
	if !awsid.IsRegion(region) || !awsid.IsDNSSuffix(suffix) {
		return "", false
	}
	return account, true
}

func sagemakerBreadthRules() []*Rule {
	return []*Rule{
		{
			ID:    "sagemaker-notebook-imdsv2",
			Title: "SageMaker notebook instances allow only IMDSv2",
			Description: "A notebook instance must have InstanceMetadataServiceConfiguration." +
				"MinimumInstanceMetadataServiceVersion 2, so that its instance metadata (and the execution role's " +
				"credentials) is reachable only with session tokens. A CloudFormation resource without the setting " +
				"gets SageMaker's default, which allows IMDSv1. AWS Config's property schema for notebook instances " +
				"does not list the setting, so a configuration item without it is NOT_APPLICABLE rather than judged " +
				"on a field Config may not record. checkov CKV_AWS_371 checks the same; AWS has no managed rule.",
			ResourceTypes: []string{typeNotebookInstance},
			Trigger:       ChangeTriggered,
			Control:       ControlNotebookSecurity,
			Severity:      SeverityMedium,
			Remediation: "Stop the notebook instance, update it (UpdateNotebookInstance) with " +
				"InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion=2, and start it again.",
			Fields: []string{"configuration.InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion"},
			Check:  checkNotebookIMDSv2,
		},
		{
			ID:    "sagemaker-notebook-platform-supported",
			Title: "SageMaker notebook instances run on a supported platform",
			Description: "A notebook instance's PlatformIdentifier must be one of supportedPlatformIdentifiers " +
				"(default notebook-al2023-v1, the value Security Hub's SageMaker.8 fixes: the Amazon Linux 2 " +
				"platforms left support with Amazon Linux 2 on 2026-06-30). An item without a PlatformIdentifier is " +
				"NOT_APPLICABLE: Config's property schema does not list the field, and a template that omits it gets " +
				"SageMaker's current default. The same check as the AWS managed rule " +
				"SAGEMAKER_NOTEBOOK_INSTANCE_PLATFORM_VERSION, which packs deploy in its place (it reads the " +
				"SageMaker API periodically).",
			ResourceTypes: []string{typeNotebookInstance},
			Trigger:       ChangeTriggered,
			Params: []Param{{
				Name:        "supportedPlatformIdentifiers",
				Type:        CSV,
				Description: "Platform identifiers notebook instances may run on.",
				Default:     defaultSupportedPlatforms,
				Pattern:     platformIdentifier,
				MaxLen:      20,
				PatternHelp: "a notebook platform identifier (notebook-al2023-v1)",
			}},
			Control:     ControlNotebookSecurity,
			SecurityHub: []string{"SageMaker.8"},
			ManagedRule: "SAGEMAKER_NOTEBOOK_INSTANCE_PLATFORM_VERSION",
			Severity:    SeverityMedium,
			Remediation: "The platform of a notebook instance cannot be changed: create a new notebook instance with " +
				"PlatformIdentifier set to a supported platform, move the work to it, and delete the old one.",
			Fields: []string{"configuration.PlatformIdentifier"},
			Check:  checkNotebookPlatform,
		},
		{
			ID:    "sagemaker-model-private-registry",
			Title: "SageMaker models pull every container image from ECR or a private registry in the VPC",
			Description: "Every container of a model (PrimaryContainer and each of Containers) must pull its Image " +
				"from an Amazon ECR private registry (one of allowedImageAccounts' registries when given), or from a " +
				"private Docker registry through the VPC (ImageConfig.RepositoryAccessMode Vpc). A container that " +
				"names a ModelPackageName without an Image takes the package's image and is not judged. Security " +
				"Hub's SageMaker.16 and SageMaker.19 (AWS managed rules SAGEMAKER_MODEL_PRIVATE_REGISTRY_REQUIRED " +
				"and SAGEMAKER_MODEL_MULTICONTAINER_PRIVATE_REGISTRY) fail every container not in Vpc mode, ECR " +
				"images included; with requireVpcRegistry true this rule does the same for every container, but " +
				"no one managed rule covers both, so packs keep this rule. An endpoint is judged through every model " +
				"its endpoint config serves, where the input holds them: " + relatedNote,
			ResourceTypes: []string{typeModel, typeEndpoint},
			Trigger:       ChangeTriggered,
			Params: []Param{{
				Name: "allowedImageAccounts",
				Type: CSV,
				Description: "Accounts whose ECR registries images may come from (the organization's registries); " +
					"any ECR registry when unset. AWS's own images (deep learning containers, built-in " +
					"algorithms) live in AWS accounts, which must then be listed too.",
				Pattern:     accountIDPattern,
				PatternHelp: "a 12-digit AWS account ID",
			}, {
				Name:        "requireVpcRegistry",
				Type:        Bool,
				Description: "Whether every container must pull from a private registry through the VPC (RepositoryAccessMode Vpc), ECR images included, as Security Hub's SageMaker.16 and SageMaker.19 require.",
				Default:     "false",
			}},
			Control:  ControlVPCOnly,
			Severity: SeverityMedium,
			Remediation: "Models cannot be changed: push the image to an approved ECR repository (or serve it from a " +
				"private registry with ImageConfig.RepositoryAccessMode=Vpc), create a new model with it, point a " +
				"new endpoint config at the model, and update the endpoint.",
			Fields: []string{
				"configuration.PrimaryContainer.Image",
				"configuration.PrimaryContainer.ImageConfig.RepositoryAccessMode",
				"configuration.PrimaryContainer.ModelPackageName",
				"configuration.Containers[].Image",
				"configuration.Containers[].ImageConfig.RepositoryAccessMode",
				"configuration.Containers[].ModelPackageName",
				"supplementaryConfiguration.Models.configuration.PrimaryContainer.Image",
			},
			Check: onModels(checkModelPrivateRegistry, true),
		},
		{
			ID:    "sagemaker-inference-experiment-cmk",
			Title: "SageMaker inference experiments encrypt instance storage and captured data with customer managed keys",
			Description: "An inference experiment must name a customer managed KMS key in KmsKey (the storage " +
				"volumes of the instances it hosts its shadow variants on) and, when it captures data " +
				"(DataStorageConfig), in DataStorageConfig.KmsKey. An alias under alias/aws/ is AWS managed. " +
				"Security Hub's SageMaker.23 and SageMaker.24 check one key each; their managed rules cannot " +
				"stand in for this rule alone, so packs keep it.",
			ResourceTypes: []string{typeInferenceExperiment},
			Trigger:       ChangeTriggered,
			Params:        []Param{kmsKeyArnsParam()},
			Control:       ControlEndpointEncryption,
			SecurityHub:   []string{"SageMaker.23", "SageMaker.24"},
			Severity:      SeverityMedium,
			Remediation: "Stop the experiment and create a new one (CreateInferenceExperiment) with KmsKey and " +
				"DataStorageConfig.KmsKey set to customer managed KMS keys.",
			Fields: []string{"configuration.KmsKey", "configuration.DataStorageConfig.KmsKey",
				"configuration.DataStorageConfig.Destination"},
			Check: checkInferenceExperimentCMK,
		},
		{
			ID:    "sagemaker-resource-tagged",
			Title: "SageMaker resources carry the team tag and the required tag keys",
			Description: "App image configurations, domains, endpoint configurations, feature groups, images, " +
				"models and notebook instances must carry the tag teamTagKey (the spec's team tag, with a value) " +
				"and every key of requiredTagKeys. Keys match exactly, then without regard to case; aws: system " +
				"tags do not count. Security Hub's SageMaker.6 and SageMaker.7 (and the AWS managed " +
				"SAGEMAKER_*_TAGGED rules) check the same per type with requiredKeyTags.",
			ResourceTypes: []string{typeAppImageConfig, typeDomain, typeEndpointConfig, typeFeatureGroup,
				typeSageMakerImage, typeModel, typeNotebookInstance},
			Trigger: ChangeTriggered,
			Params: []Param{{
				Name:        "teamTagKey",
				Type:        String,
				Description: "Tag naming the team that owns the resource; it must be present with a value.",
				Default:     "aiguard-team",
				Pattern:     tagKeyPattern,
				MaxLen:      128,
				PatternHelp: "a tag key (1 to 128 letters, digits, spaces and _ . : / = + - @)",
			}, {
				Name:        "requiredTagKeys",
				Type:        CSV,
				Description: "Further tag keys every resource must carry (any value).",
				Pattern:     tagKeyPattern,
				MaxLen:      128,
				PatternHelp: "a tag key (1 to 128 letters, digits, spaces and _ . : / = + - @)",
			}},
			Control:     ControlIAMSageMaker,
			SecurityHub: []string{"SageMaker.6", "SageMaker.7"},
			Severity:    SeverityLow,
			Remediation: "Add the missing tags (AddTags, or Tags in the resource's template).",
			Fields:      []string{"tags", "configuration.Tags"},
			Check:       checkSageMakerTagged,
		},
		{
			ID:    "sagemaker-domain-sso-auth",
			Title: "SageMaker domains authenticate users with IAM Identity Center where required",
			Description: "A domain's AuthMode must be requiredAuthMode: SSO (IAM Identity Center, whose users and " +
				"sessions your identity provider controls) or IAM. The spec sets it per team (sagemaker." +
				"studioAuthMode); without it the rule judges nothing (NOT_APPLICABLE). Prowler's " +
				"sagemaker_domain_sso_configured checks for SSO; AWS has no managed rule.",
			ResourceTypes: []string{typeDomain},
			Trigger:       ChangeTriggered,
			Params: []Param{{
				Name:        "requiredAuthMode",
				Type:        Enum,
				Description: "The AuthMode domains must use; unset, no mode is required.",
				Values:      []string{"SSO", "IAM"},
			}},
			Control:  ControlIAMSageMaker,
			Severity: SeverityMedium,
			Remediation: "The authentication mode of a domain cannot be changed: create a new domain with the " +
				"required AuthMode and move its user profiles and spaces to it.",
			Fields: []string{"configuration.AuthMode"},
			Check:  checkDomainAuthMode,
		},
	}
}

// recordedByConfig reports whether an item came from AWS Config (every
// configuration item Config delivers names the resource's ARN), rather than
// from a CloudFormation template, whose resources have none yet. Rules use
// it where a field missing from a template means the service's default but
// missing from a CI may only mean Config does not record the field.
func recordedByConfig(item *configitem.Item) bool { return strings.TrimSpace(item.ARN) != "" }

func checkNotebookIMDSv2(item *configitem.Item, _ Params) Verdict {
	v := mlPath(item.Config(), "InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion")
	s, _ := v.String()
	switch s = strings.TrimSpace(s); {
	case s == "2":
		return Pass()
	case !v.Present() && recordedByConfig(item):
		return Skip("The configuration item records no InstanceMetadataServiceConfiguration (AWS Config may not " +
			"record it for notebook instances), so the minimum IMDS version cannot be judged.")
	case !v.Present():
		return Fail("InstanceMetadataServiceConfiguration is not set, and SageMaker's default allows IMDSv1. Set " +
			"MinimumInstanceMetadataServiceVersion=2.")
	case s == "1":
		return Fail("MinimumInstanceMetadataServiceVersion is 1, so IMDSv1 is allowed. Stop the notebook " +
			"instance, update it with MinimumInstanceMetadataServiceVersion=2, and start it again.")
	}
	return Fail("MinimumInstanceMetadataServiceVersion is %s, not 2. Stop the notebook instance, update it with "+
		"MinimumInstanceMetadataServiceVersion=2, and start it again.", mlDescribe(v))
}

func checkNotebookPlatform(item *configitem.Item, p Params) Verdict {
	v := item.Config().Field("PlatformIdentifier")
	if !v.Present() {
		return Skip("The item records no PlatformIdentifier (AWS Config may not record it, and a template that " +
			"omits it gets SageMaker's current default), so the platform cannot be judged.")
	}
	s, ok := v.Text()
	if !ok {
		return Fail("PlatformIdentifier is %s, not a platform identifier. Recreate the notebook instance on a "+
			"supported platform.", mlDescribe(v))
	}
	s = strings.TrimSpace(s)
	supported := p.List("supportedPlatformIdentifiers")
	if len(supported) == 0 {
		supported = splitCSV(defaultSupportedPlatforms)
	}
	if slices.ContainsFunc(supported, func(x string) bool { return strings.EqualFold(x, s) }) {
		return Pass()
	}
	return Fail("Notebook instance runs on platform %s, which is not supported (supported: %s). Recreate it on a "+
		"supported platform.", mlClip(s, 24), strings.Join(supported, ", "))
}

func checkModelPrivateRegistry(item *configitem.Item, p Params) Verdict {
	cfg := item.Config()
	if !cfg.Present() {
		return mlEmptyConfig()
	}
	type container struct {
		label string
		v     configitem.Value
	}
	var list []container
	if pc := cfg.Field("PrimaryContainer"); pc.Present() {
		list = append(list, container{"PrimaryContainer", pc})
	}
	for i, c := range cfg.Field("Containers").List() {
		list = append(list, container{fmt.Sprintf("Containers[%d]", i), c})
	}
	allowed := p.List("allowedImageAccounts")
	var problems []string
	judged := 0
	for _, c := range list {
		if !c.v.IsObject() {
			problems = append(problems, c.label+" is not an object")
			continue
		}
		if strings.EqualFold(strings.TrimSpace(mlPath(c.v, "ImageConfig.RepositoryAccessMode").Str()), "Vpc") {
			judged++
			continue
		}
		if p.Bool("requireVpcRegistry") {
			if c.v.Field("Image").Present() {
				judged++
				problems = append(problems, c.label+" does not pull through the VPC (ImageConfig.RepositoryAccessMode is not Vpc)")
			}
			continue
		}
		imageValue := c.v.Field("Image")
		image, isString := imageValue.Text()
		image = strings.TrimSpace(image)
		switch {
		case image == "" && c.v.Field("ModelPackageName").Present():
			continue // the model package's image; not judged
		case image == "" && !imageValue.Present():
			continue // nothing recorded to judge
		case !isString:
			problems = append(problems, c.label+" Image is "+mlDescribe(imageValue))
			judged++
			continue
		}
		judged++
		account, ok := ecrRegistryAccount(image)
		switch {
		case !ok:
			problems = append(problems, c.label+" pulls "+mlClip(image, 60)+", not from ECR or a private registry in the VPC")
		case len(allowed) > 0 && !slices.Contains(allowed, account):
			problems = append(problems, c.label+" pulls from the ECR registry of account "+account+", not in allowedImageAccounts")
		}
	}
	if len(problems) > 0 {
		return Fail("Model: %s. Create a new model whose images come from an approved ECR registry or a private "+
			"registry in the VPC.", strings.Join(problems, "; "))
	}
	if judged == 0 {
		return Skip("The model records no container image (none, or only model packages), so there is nothing to judge.")
	}
	return Pass()
}

func checkInferenceExperimentCMK(item *configitem.Item, p Params) Verdict {
	cfg := item.Config()
	if !cfg.Present() {
		return mlEmptyConfig()
	}
	allowed := p.List("kmsKeyArns")
	var problems []string
	judge := func(path string) {
		v := mlPath(cfg, path)
		if s := cmkKeyShortfall(v); s != "" {
			problems = append(problems, path+" "+s)
			return
		}
		if key := strings.TrimSpace(v.Str()); !kmsKeyAllowed(key, allowed) {
			problems = append(problems, kmsKeyNotAllowed(path, key))
		}
	}
	judge("KmsKey")
	if ds := cfg.Field("DataStorageConfig"); ds.Present() {
		judge("DataStorageConfig.KmsKey")
	}
	if len(problems) == 0 {
		return Pass()
	}
	return Fail("Inference experiment: %s. Create a new experiment with customer managed KMS keys.",
		strings.Join(problems, "; "))
}

// resourceTags returns a resource's tags: the CI's tags and, where Config
// or a template keeps them in the configuration, configuration.Tags (a list
// of Key/Value objects or a map).
func resourceTags(item *configitem.Item) map[string]string {
	out := map[string]string{}
	for k, v := range item.Tags {
		out[k] = v
	}
	t := item.Config().Field("Tags")
	if t.IsObject() {
		for k, v := range t.Members() {
			if s, ok := v.String(); ok {
				out[k] = s
			}
		}
		return out
	}
	for _, e := range t.List() {
		k, ok := e.Field("Key").Text()
		if !ok || k == "" {
			continue
		}
		out[k] = e.Field("Value").Str()
	}
	return out
}

func checkSageMakerTagged(item *configitem.Item, p Params) Verdict {
	tags := resourceTags(item)
	for k := range tags {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			delete(tags, k)
		}
	}
	team := p.String("teamTagKey")
	if team == "" {
		team = "aiguard-team"
	}
	var missing []string
	if v, ok := lookupTag(tags, team); !ok || strings.TrimSpace(v) == "" {
		missing = append(missing, team)
	}
	for _, k := range p.List("requiredTagKeys") {
		if _, ok := lookupTag(tags, k); !ok && !slices.Contains(missing, k) {
			missing = append(missing, k)
		}
	}
	if len(missing) == 0 {
		return Pass()
	}
	if !recordedByConfig(item) {
		// CloudFormation adds the stack's tags to every resource it creates, and
		// neither a template nor a hook request shows them: a tag missing here
		// may still be there once deployed, when Config judges the resource.
		return Skip("The template does not tag the resource with %s, but CloudFormation adds the stack's tags when it "+
			"creates it; AWS Config judges the deployed resource.", mlClip(strings.Join(missing, ", "), 160))
	}
	kind := item.ResourceType[strings.LastIndex(item.ResourceType, ":")+1:]
	return Fail("%s lacks the tags %s (the team tag needs a value). Add them with AddTags.", kind,
		mlClip(strings.Join(missing, ", "), 160))
}

func checkDomainAuthMode(item *configitem.Item, p Params) Verdict {
	want := p.String("requiredAuthMode")
	if want == "" {
		return Skip("requiredAuthMode is not set (the spec asks for no authentication mode), so there is nothing to judge.")
	}
	v := item.Config().Field("AuthMode")
	got, ok := v.Text()
	got = strings.TrimSpace(got)
	switch {
	case ok && strings.EqualFold(got, want):
		return Pass()
	case !v.Present():
		return Skip("The item records no AuthMode, so the domain's authentication mode cannot be judged.")
	case !ok:
		return Fail("Domain AuthMode is %s, want %s. Create a new domain with AuthMode=%s.", mlDescribe(v), want, want)
	}
	return Fail("Domain AuthMode is %s, want %s. Create a new domain with AuthMode=%s and move its user profiles "+
		"and spaces to it.", mlClip(got, 12), want, want)
}
