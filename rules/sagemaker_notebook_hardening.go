package rules

import (
	"strings"

	"github.com/aiguard/aiguard/configitem"
)

// lifecycleConfigRef is a notebook instance lifecycle configuration name
// (SageMaker's pattern for NotebookInstanceLifecycleConfigName), or its ARN.
var lifecycleConfigRef = &Regexp{Expr: `^(` + arnStart + `sagemaker` + arnRegionAccount + `notebook-instance-lifecycle-config/)?` +
	`[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$`}

func sagemakerNotebookHardeningRules() []*Rule {
	return []*Rule{
		{
			ID:    "sagemaker-notebook-cmk-encrypted",
			Title: "SageMaker notebook instances encrypt their storage volume with a customer managed KMS key",
			Description: "A notebook instance must name a KMS key (KmsKeyId) for its ML storage volume; without one " +
				"SageMaker encrypts the volume with a key you do not control. When kmsKeyArns is given, the key must " +
				"be one of them: a key ID matches its key ARN, an alias only the same alias (aliases are not " +
				"resolved to keys, and whether a key given by ID or ARN is customer managed is not checked).",
			ResourceTypes: []string{typeNotebookInstance},
			Trigger:       ChangeTriggered,
			Params:        []Param{kmsKeyArnsParam()},
			Control:       ControlNotebookSecurity,
			SecurityHub:   []string{"SageMaker.21"},
			ManagedRule:   "SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED",
			Severity:      SeverityMedium,
			Remediation: "The key of an existing notebook instance cannot be changed: create a new notebook instance " +
				"with KmsKeyId set to a customer managed key (one of kmsKeyArns when given), move the work to it, " +
				"and delete the old one.",
			Fields: []string{"configuration.KmsKeyId"},
			Check:  checkNotebookCMK,
		},
		{
			ID:    "sagemaker-notebook-lifecycle-config",
			Title: "SageMaker notebook instances run an approved lifecycle configuration",
			Description: "A notebook instance must have a lifecycle configuration (LifecycleConfigName), one of " +
				"allowedLifecycleConfigs when given, so that the scripts enforcing your security policy run each " +
				"time it is created and started. Names are compared without regard to case, as SageMaker does.",
			ResourceTypes: []string{typeNotebookInstance},
			Trigger:       ChangeTriggered,
			Params: []Param{{
				Name:        "allowedLifecycleConfigs",
				Type:        CSV,
				Description: "Lifecycle configurations notebook instances may use (names or ARNs); any when unset.",
				Pattern:     lifecycleConfigRef,
				PatternHelp: "a notebook instance lifecycle configuration name (letters, digits and dashes, up to 63) or ARN",
			}},
			Control:  ControlNotebookSecurity,
			Severity: SeverityMedium,
			Remediation: "Stop the notebook instance, update it with LifecycleConfigName set to an approved lifecycle " +
				"configuration (UpdateNotebookInstance), and start it again.",
			Fields: []string{"configuration.LifecycleConfigName"},
			Check:  checkNotebookLifecycleConfig,
		},
	}
}

func checkNotebookCMK(item *configitem.Item, p Params) Verdict {
	key, problem := kmsKeyField(item.Config().Field("KmsKeyId"))
	if problem != "" {
		return Fail("KmsKeyId %s, so the notebook instance's storage volume is not encrypted with a customer managed "+
			"key. Recreate the notebook instance with KmsKeyId set to a customer managed KMS key.", problem)
	}
	if !kmsKeyAllowed(key, p.List("kmsKeyArns")) {
		return Fail("%s. Recreate the notebook instance with KmsKeyId set to one of the keys in kmsKeyArns.",
			kmsKeyNotAllowed("KmsKeyId", key))
	}
	return Pass()
}

func checkNotebookLifecycleConfig(item *configitem.Item, p Params) Verdict {
	v := item.Config().Field("LifecycleConfigName")
	name, isString := v.Text()
	name = strings.TrimSpace(name)
	switch {
	case !v.Present():
		return Fail("LifecycleConfigName is not set, so no lifecycle configuration enforces your security policy " +
			"on this notebook instance. Stop it, set LifecycleConfigName to an approved lifecycle configuration, " +
			"and start it again.")
	case !isString:
		return Fail("LifecycleConfigName is not a string, so no lifecycle configuration can be confirmed. Stop the " +
			"notebook instance, set LifecycleConfigName to an approved lifecycle configuration, and start it again.")
	}
	allowed := p.List("allowedLifecycleConfigs")
	if len(allowed) == 0 {
		return Pass()
	}
	for _, a := range allowed {
		if strings.EqualFold(lifecycleConfigName(a), lifecycleConfigName(name)) {
			return Pass()
		}
	}
	return Fail("Lifecycle configuration %s is not in allowedLifecycleConfigs. Stop the notebook instance, set "+
		"LifecycleConfigName to an approved lifecycle configuration, and start it again (allowed: %s).",
		name, strings.Join(allowed, ", "))
}

// lifecycleConfigName returns the name in a lifecycle configuration ARN, or
// the name itself.
func lifecycleConfigName(ref string) string {
	if _, name, ok := strings.Cut(ref, ":notebook-instance-lifecycle-config/"); ok {
		return name
	}
	return ref
}
