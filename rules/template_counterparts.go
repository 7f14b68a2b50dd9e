package rules

import (
	"strings"

	"github.com/aiguard/aiguard/configitem"
)

// The resource types these rules judge. AWS Config records none of them with
// the settings the rules read: their live resources are read by periodic
// rules (comprehend-model-cmk, sagemaker-notebook-lifecycle-no-secrets,
// rekognition-collection-approved-use-case), and
// these rules judge the same settings in CloudFormation templates and
// Terraform plans, before deployment (aiguard scan, the CloudFormation hook).
const (
	typeComprehendClassifier      = "AWS::Comprehend::DocumentClassifier"
	typeComprehendFlywheel        = "AWS::Comprehend::Flywheel"
	typeNotebookLifecycleConfig   = "AWS::SageMaker::NotebookInstanceLifecycleConfig"
	typeStudioLifecycleConfig     = "AWS::SageMaker::StudioLifecycleConfig"
	typeRekognitionCollection     = "AWS::Rekognition::Collection"
	lifecycleSecretsRemediation   = "Remove the credentials from the script and rotate them; read secrets at run time from Secrets Manager."
	comprehendModelKeyRemediation = "Set ModelKmsKeyId and VolumeKmsKeyId to customer managed KMS keys before the model is trained (a trained model cannot be changed)."
)

func templateCounterpartRules() []*Rule {
	return []*Rule{
		{
			ID:    "comprehend-model-cmk-configured",
			Title: "Comprehend document classifiers and flywheels name customer managed keys",
			Description: "A document classifier must name a model KMS key (ModelKmsKeyId) and a volume KMS key " +
				"(VolumeKmsKeyId), and a flywheel both in its DataSecurityConfig, neither an aws/ alias. AWS Config " +
				"does not record Comprehend models: this rule judges CloudFormation resources and Terraform plans " +
				"before deployment, and the periodic comprehend-model-cmk checks live models. checkov CKV_AWS_267 " +
				"and CKV_AWS_268 check the same; AWS has no managed rule.",
			ResourceTypes: []string{typeComprehendClassifier, typeComprehendFlywheel},
			Trigger:       ChangeTriggered,
			Control:       ControlIAMComprehend,
			Severity:      SeverityMedium,
			Remediation:   comprehendModelKeyRemediation,
			Fields: []string{"configuration.ModelKmsKeyId", "configuration.VolumeKmsKeyId",
				"configuration.DataSecurityConfig.ModelKmsKeyId", "configuration.DataSecurityConfig.VolumeKmsKeyId"},
			Check: checkComprehendModelKeys,
		},
		{
			ID:    "sagemaker-lifecycle-script-no-secrets",
			Title: "SageMaker lifecycle configuration scripts in templates contain no credentials",
			Description: "No notebook instance lifecycle configuration's OnCreate or OnStart script, and no Studio " +
				"lifecycle configuration's script (decoded from base64), may contain an AWS access key ID, an AWS " +
				"secret access key assignment, a private key, or a token of a well-known provider (GitHub, GitLab, " +
				"Slack, Hugging Face, OpenAI, Anthropic); the annotation names what was found, never the value. " +
				"The scripts are not among what AWS Config documents for these types, so packs do not deploy this " +
				"rule: it judges CloudFormation resources before deployment, and the periodic " +
				"sagemaker-notebook-lifecycle-no-secrets checks live ones. " +
				"Prowler's sagemaker_notebook_instance_no_secrets checks the same on live resources; AWS has no managed rule.",
			ResourceTypes: []string{typeNotebookLifecycleConfig, typeStudioLifecycleConfig},
			Trigger:       ChangeTriggered,
			Control:       ControlNotebookSecurity,
			Severity:      SeverityHigh,
			Remediation:   lifecycleSecretsRemediation,
			Fields: []string{"configuration.OnCreate[].Content", "configuration.OnStart[].Content",
				"configuration.StudioLifecycleConfigContent"},
			Check: checkLifecycleScripts,
		},
		{
			ID:    "rekognition-collection-use-case-configured",
			Title: "Rekognition face collections in templates carry an approved use case",
			Description: "A face collection must carry the tag approvedUseCaseTagKey with a value among approvedUseCases " +
				"(compared without regard to case); with no approved use cases, facial recognition is not approved and " +
				"every collection is NON_COMPLIANT. A template that leaves the tag out is NOT_APPLICABLE, as " +
				"CloudFormation adds the stack's tags when it creates the collection. AWS Config does not record " +
				"collections: this rule judges CloudFormation resources before deployment, and the periodic " +
				"rekognition-collection-approved-use-case checks live ones. AWS has no managed rule.",
			ResourceTypes: []string{typeRekognitionCollection},
			Trigger:       ChangeTriggered,
			Params:        useCaseParams(),
			Control:       ControlIAMRekognition,
			Severity:      SeverityHigh,
			Remediation: "Tag the collection with its approved use case, or leave it out of the template when facial " +
				"recognition is not approved for it.",
			Fields: []string{"configuration.Tags"},
			Check:  checkCollectionUseCase,
		},
	}
}

// checkCollectionUseCase judges a collection's tags as the periodic rule
// judges a live collection's; a tag the template leaves out may come from
// the stack's tags.
func checkCollectionUseCase(item *configitem.Item, p Params) Verdict {
	key := strings.TrimSpace(p.String("approvedUseCaseTagKey"))
	approved := p.List("approvedUseCases")
	tags := resourceTags(item)
	if _, ok := tags[key]; !ok && len(approved) > 0 && !recordedByConfig(item) {
		return Skip("The template does not tag the collection with %s, but CloudFormation adds the stack's tags when "+
			"it creates it; the periodic rekognition-collection-approved-use-case judges it once deployed.", key)
	}
	return judgeCollection(FaceCollection{Tags: tags}, key, approved)
}

func checkComprehendModelKeys(item *configitem.Item, _ Params) Verdict {
	cfg := item.Config()
	if !cfg.Present() {
		return mlEmptyConfig()
	}
	what, prefix := "Document classifier", ""
	if item.ResourceType == typeComprehendFlywheel {
		what, prefix = "Flywheel", "DataSecurityConfig."
	}
	var problems []string
	for _, key := range []string{"ModelKmsKeyId", "VolumeKmsKeyId"} {
		if p := cmkKeyShortfall(mlPath(cfg, prefix+key)); p != "" {
			problems = append(problems, prefix+key+" "+p)
		}
	}
	if len(problems) == 0 {
		return Pass()
	}
	return Fail("%s: %s. %s", what, strings.Join(problems, "; "), comprehendModelKeyRemediation)
}

// checkLifecycleScripts reads the scripts of a notebook instance or Studio
// lifecycle configuration as findSecrets reads live ones.
func checkLifecycleScripts(item *configitem.Item, _ Params) Verdict {
	cfg := item.Config()
	if !cfg.Present() {
		return mlEmptyConfig()
	}
	type script struct{ hook, content string }
	var scripts []script
	var unreadable []string
	add := func(hook string, v configitem.Value) {
		switch s, ok := v.Text(); {
		case ok:
			scripts = append(scripts, script{hook, s})
		case v.Exists() && !v.IsNull():
			unreadable = append(unreadable, hook)
		}
	}
	if item.ResourceType == typeStudioLifecycleConfig {
		add("StudioLifecycleConfigContent", cfg.Field("StudioLifecycleConfigContent"))
	} else {
		for _, hook := range []string{"OnCreate", "OnStart"} {
			v := cfg.Field(hook)
			switch _, isString := v.Text(); {
			case isString: // a Terraform plan's on_create and on_start
				add(hook, v)
				continue
			case v.IsObject(): // one hook as an object, as some writers flatten it
				add(hook, v.Field("Content"))
				continue
			}
			for _, h := range v.List() {
				add(hook, h.Field("Content"))
			}
		}
	}
	var problems []string
	for _, s := range scripts {
		if p := scriptSecrets(s.hook, s.content); p != "" {
			problems = append(problems, p)
		}
	}
	switch {
	case len(problems) > 0:
		return Fail("%s. %s", strings.Join(problems, "; "), lifecycleSecretsRemediation)
	case len(unreadable) > 0:
		return Skip("The script of %s is not known before deployment; nothing to judge.", strings.Join(unreadable, " and "))
	case len(scripts) == 0:
		return Skip("The configuration has no script.")
	}
	return Pass()
}
