package rules

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/aiguard/aiguard/configitem"
)

// The Bedrock types Config records, with their CloudFormation property names.
const (
	typeBedrockGuardrail  = "AWS::Bedrock::Guardrail"
	typeBedrockDataSource = "AWS::Bedrock::DataSource"
	typeBedrockPrompt     = "AWS::Bedrock::Prompt"
)

// Defaults of bedrock-guardrail-strength, also used when a caller passes
// Params without them.
const (
	defaultPromptAttackStrength  = "HIGH"
	defaultContentFilterStrength = "MEDIUM"
)

func bedrockRules() []*Rule {
	strengths := []string{"NONE", "LOW", "MEDIUM", "HIGH"}
	return []*Rule{
		{
			ID:    "bedrock-guardrail-strength",
			Title: "Bedrock guardrails filter prompt attacks, harmful content and PII strongly enough",
			Description: "A guardrail must have a PROMPT_ATTACK content filter with input strength at least " +
				"promptAttackStrength, and HATE, INSULTS, SEXUAL, VIOLENCE and MISCONDUCT filters with input and " +
				"output strength at least contentFilterStrength (strengths order NONE < LOW < MEDIUM < HIGH; a " +
				"direction that is disabled or set to action NONE counts as NONE). When requirePiiFilter is true, " +
				"at least one PII entity must BLOCK or ANONYMIZE; when requireGrounding is true, an enabled, " +
				"blocking contextual grounding filter is required. AWS has no managed rule for this check.",
			ResourceTypes: []string{typeBedrockGuardrail},
			Trigger:       ChangeTriggered,
			Params: []Param{
				{
					Name:        "promptAttackStrength",
					Type:        Enum,
					Description: "Minimum input strength of the PROMPT_ATTACK filter (NONE requires no filter).",
					Default:     defaultPromptAttackStrength,
					Values:      strengths,
				},
				{
					Name: "contentFilterStrength",
					Type: Enum,
					Description: "Minimum input and output strength of the HATE, INSULTS, SEXUAL, VIOLENCE and " +
						"MISCONDUCT filters (NONE requires none).",
					Default: defaultContentFilterStrength,
					Values:  strengths,
				},
				{
					Name:        "requirePiiFilter",
					Type:        Bool,
					Description: "Require at least one PII entity with action BLOCK or ANONYMIZE.",
					Default:     "true",
				},
				{
					Name:        "requireGrounding",
					Type:        Bool,
					Description: "Require a contextual grounding policy with an enabled, blocking filter.",
					Default:     "false",
				},
			},
			// No baseline control names guardrails; the Bedrock entry of the
			// IAM table (restrict what models may be used for) is the closest.
			Control:  ControlIAMBedrock,
			Severity: SeverityHigh,
			Remediation: "Update the guardrail's content policy (PROMPT_ATTACK input strength, the five harm " +
				"categories on input and output), its sensitive information policy (PII entities with BLOCK or " +
				"ANONYMIZE) and, if required, its contextual grounding policy; then publish a new guardrail version.",
			Fields: []string{
				"configuration.ContentPolicyConfig.FiltersConfig.Type",
				"configuration.ContentPolicyConfig.FiltersConfig.InputStrength",
				"configuration.ContentPolicyConfig.FiltersConfig.OutputStrength",
				"configuration.ContentPolicyConfig.FiltersConfig.InputEnabled",
				"configuration.ContentPolicyConfig.FiltersConfig.OutputEnabled",
				"configuration.ContentPolicyConfig.FiltersConfig.InputAction",
				"configuration.ContentPolicyConfig.FiltersConfig.OutputAction",
				"configuration.SensitiveInformationPolicyConfig.PiiEntitiesConfig.Action",
				"configuration.SensitiveInformationPolicyConfig.PiiEntitiesConfig.InputAction",
				"configuration.SensitiveInformationPolicyConfig.PiiEntitiesConfig.OutputAction",
				"configuration.SensitiveInformationPolicyConfig.PiiEntitiesConfig.InputEnabled",
				"configuration.SensitiveInformationPolicyConfig.PiiEntitiesConfig.OutputEnabled",
				"configuration.ContextualGroundingPolicyConfig.FiltersConfig.Type",
				"configuration.ContextualGroundingPolicyConfig.FiltersConfig.Enabled",
				"configuration.ContextualGroundingPolicyConfig.FiltersConfig.Action",
				"configuration.ContextualGroundingPolicyConfig.FiltersConfig.Threshold",
			},
			Check: checkGuardrailStrength,
		},
		{
			ID:    "bedrock-guardrail-cmk-encrypted",
			Title: "Bedrock guardrails are encrypted with a customer managed KMS key",
			Description: "A guardrail must name a customer managed KMS key in KmsKeyArn; without one Bedrock " +
				"encrypts it with an AWS owned key. AWS has no managed rule for this check.",
			ResourceTypes: []string{typeBedrockGuardrail},
			Trigger:       ChangeTriggered,
			Control:       ControlBedrockEncryption,
			Severity:      SeverityMedium,
			Remediation:   "Update the guardrail with KmsKeyArn set to a customer managed KMS key (UpdateGuardrail kmsKeyId).",
			Fields:        []string{"configuration.KmsKeyArn"},
			Check:         checkGuardrailCMK,
		},
		{
			ID:    "bedrock-data-source-cmk-encrypted",
			Title: "Bedrock knowledge base data sources, and knowledge bases through them, are encrypted with customer managed KMS keys",
			Description: "A knowledge base data source must name a customer managed KMS key in " +
				"ServerSideEncryptionConfiguration.KmsKeyArn, which encrypts its transient ingestion data. " +
				"The same check as the AWS managed rule BEDROCK_DATA_SOURCE_ENCRYPTION_ENABLED, which packs use. " +
				"A knowledge base is judged, where the input holds them, through every data source that names it " +
				"and its vector store (StorageConfiguration): an OpenSearch Serverless collection (its " +
				"EncryptionConfig or the encryption security policy naming it), an S3 vector bucket or index, an " +
				"Aurora cluster, an OpenSearch domain or a Neptune Analytics graph must use a customer managed key; " +
				"stores outside AWS (Pinecone, MongoDB Atlas, Redis Enterprise Cloud) are not judged. The managed " +
				"rule does not judge knowledge bases: " + relatedNote,
			ResourceTypes: []string{typeBedrockDataSource, typeKnowledgeBase},
			Trigger:       ChangeTriggered,
			Control:       ControlBedrockEncryption,
			SecurityHub:   []string{"Bedrock.1"},
			ManagedRule:   "BEDROCK_DATA_SOURCE_ENCRYPTION_ENABLED",
			Severity:      SeverityMedium,
			Remediation: "Update the data source with ServerSideEncryptionConfiguration.KmsKeyArn set to a customer " +
				"managed KMS key.",
			Fields: []string{"configuration.ServerSideEncryptionConfiguration.KmsKeyArn",
				"configuration.KnowledgeBaseConfiguration.Type", "configuration.StorageConfiguration.Type",
				"supplementaryConfiguration.DataSources.configuration.ServerSideEncryptionConfiguration.KmsKeyArn",
				"supplementaryConfiguration.VectorStore.configuration.EncryptionConfig.KmsKeyArn",
				"supplementaryConfiguration.VectorStore.configuration.EncryptionConfiguration.KmsKeyArn",
				"supplementaryConfiguration.VectorStore.configuration.KmsKeyId"},
			Check: checkDataSourceOrKnowledgeBase,
		},
		{
			ID:    "bedrock-prompt-cmk-encrypted",
			Title: "Bedrock prompts are encrypted with a customer managed KMS key",
			Description: "A Prompt Management prompt must name a customer managed KMS key in " +
				"CustomerEncryptionKeyArn; without one Bedrock encrypts it with an AWS owned key. AWS has no " +
				"managed rule for this check.",
			ResourceTypes: []string{typeBedrockPrompt},
			Trigger:       ChangeTriggered,
			Control:       ControlBedrockEncryption,
			Severity:      SeverityMedium,
			Remediation:   "Update the prompt with CustomerEncryptionKeyArn set to a customer managed KMS key.",
			Fields:        []string{"configuration.CustomerEncryptionKeyArn"},
			Check:         checkPromptCMK,
		},
	}
}

func checkGuardrailCMK(item *configitem.Item, _ Params) Verdict {
	return checkBedrockKey(item, "Guardrail", "KmsKeyArn", "guardrail")
}

func checkDataSourceCMK(item *configitem.Item, _ Params) Verdict {
	return checkBedrockKey(item, "Data source", "ServerSideEncryptionConfiguration.KmsKeyArn", "data source")
}

func checkPromptCMK(item *configitem.Item, _ Params) Verdict {
	return checkBedrockKey(item, "Prompt", "CustomerEncryptionKeyArn", "prompt")
}

// checkBedrockKey requires a customer managed key at path.
func checkBedrockKey(item *configitem.Item, what, path, noun string) Verdict {
	cfg := item.Config()
	if !cfg.Present() {
		return mlEmptyConfig()
	}
	p := cmkKeyShortfall(mlPath(cfg, path))
	if p == "" {
		return Pass()
	}
	return Fail("%s: %s %s. Update the %s with a customer managed KMS key.", what, path, p, noun)
}

// guardrailStrengthRank orders guardrail filter strengths; -1 is not a
// strength.
func guardrailStrengthRank(s string) int {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "NONE":
		return 0
	case "LOW":
		return 1
	case "MEDIUM":
		return 2
	case "HIGH":
		return 3
	}
	return -1
}

// guardrailSide is a content filter's effective strength in one direction.
type guardrailSide struct {
	rank  int
	label string // for annotations: the strength, "off", "detect" or "unset"
}

// guardrailFilter is the strongest filter of one type.
type guardrailFilter struct{ in, out guardrailSide }

func checkGuardrailStrength(item *configitem.Item, p Params) Verdict {
	cfg := item.Config()
	if !cfg.Present() {
		return mlEmptyConfig()
	}
	short := guardrailShortfall(cfg, p)
	if len(short) == 0 {
		return Pass()
	}
	msg := "Guardrail: " + strings.Join(short, "; ") + "."
	// The remediation goes along only when it fits whole.
	if fix := " Update the guardrail."; len(msg)+len(fix) <= MaxAnnotation {
		msg += fix
	}
	return Verdict{Compliance: NonCompliant, Annotation: msg}
}

// GuardrailShortfall lists how a guardrail configuration falls short of
// bedrock-guardrail-strength with its default parameters, or nothing when
// it does not. It reads the configuration as Config records it and as the
// Bedrock API's CreateGuardrail and UpdateGuardrail requests spell it.
func GuardrailShortfall(cfg configitem.Value) []string { return guardrailShortfall(cfg, Params{}) }

func guardrailShortfall(cfg configitem.Value, p Params) []string {
	wantPrompt := guardrailEnumParam(p, "promptAttackStrength", defaultPromptAttackStrength)
	wantContent := guardrailEnumParam(p, "contentFilterStrength", defaultContentFilterStrength)
	requirePII := guardrailBoolParam(p, "requirePiiFilter", true)
	requireGrounding := guardrailBoolParam(p, "requireGrounding", false)

	filters := guardrailFiltersByType(cfg)
	var short []string
	if want := guardrailStrengthRank(wantPrompt); want > 0 {
		if f, ok := filters["PROMPT_ATTACK"]; !ok {
			short = append(short, "no PROMPT_ATTACK filter (want input "+wantPrompt+")")
		} else if f.in.rank < want {
			short = append(short, "PROMPT_ATTACK input "+f.in.label+", want "+wantPrompt)
		}
	}
	if s := guardrailContentShortfall(filters, wantContent); s != "" {
		short = append(short, s)
	}
	if requirePII && !guardrailHasPIIFilter(cfg) {
		short = append(short, "no BLOCK/ANONYMIZE PII entity")
	}
	if requireGrounding && !guardrailHasGrounding(cfg) {
		short = append(short, "no active grounding filter")
	}
	return short
}

// guardrailContentShortfall lists the harm categories whose filters are
// missing or weaker than want in either direction, grouping categories that
// fall short the same way to keep the annotation short: "harm filters below
// MEDIUM (in/out): HATE/INSULTS LOW/LOW, SEXUAL missing".
func guardrailContentShortfall(filters map[string]guardrailFilter, want string) string {
	rank := guardrailStrengthRank(want)
	if rank <= 0 {
		return ""
	}
	var keys []string
	groups := map[string][]string{}
	for _, typ := range [...]string{"HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT"} {
		key := "missing"
		if f, ok := filters[typ]; ok {
			if f.in.rank >= rank && f.out.rank >= rank {
				continue
			}
			key = f.in.label + "/" + f.out.label
		}
		if _, seen := groups[key]; !seen {
			keys = append(keys, key)
		}
		groups[key] = append(groups[key], typ)
	}
	if len(keys) == 0 {
		return ""
	}
	parts := make([]string, len(keys))
	for i, key := range keys {
		parts[i] = strings.Join(groups[key], "/") + " " + key
	}
	return "harm filters below " + want + " (in/out): " + strings.Join(parts, ", ")
}

// guardrailFiltersByType indexes the content filters by type, keeping the
// strongest setting per direction should a type appear twice.
func guardrailFiltersByType(cfg configitem.Value) map[string]guardrailFilter {
	out := map[string]guardrailFilter{}
	for _, f := range mlPath(cfg, "ContentPolicyConfig.FiltersConfig").List() {
		typ := strings.ToUpper(strings.TrimSpace(mlPath(f, "Type").Str()))
		if typ == "" {
			continue
		}
		cur := guardrailFilter{in: guardrailDirection(f, guardrailInput), out: guardrailDirection(f, guardrailOutput)}
		if prev, ok := out[typ]; ok {
			if prev.in.rank > cur.in.rank {
				cur.in = prev.in
			}
			if prev.out.rank > cur.out.rank {
				cur.out = prev.out
			}
		}
		out[typ] = cur
	}
	return out
}

// guardrailDir names the fields of a filter's direction.
type guardrailDir struct{ enabled, action, strength string }

var (
	guardrailInput  = guardrailDir{"InputEnabled", "InputAction", "InputStrength"}
	guardrailOutput = guardrailDir{"OutputEnabled", "OutputAction", "OutputStrength"}
)

// guardrailDirection is a filter's effective strength on input or output. A
// direction that is disabled, or whose action is NONE (detect only), blocks
// nothing, so it counts as NONE whatever its strength says.
func guardrailDirection(f configitem.Value, dir guardrailDir) guardrailSide {
	if b, ok := mlPath(f, dir.enabled).Bool(); ok && !b {
		return guardrailSide{0, "off"}
	}
	if strings.EqualFold(strings.TrimSpace(mlPath(f, dir.action).Str()), "NONE") {
		return guardrailSide{0, "detect"}
	}
	s := strings.ToUpper(strings.TrimSpace(mlPath(f, dir.strength).Str()))
	if s == "" {
		return guardrailSide{0, "unset"}
	}
	if r := guardrailStrengthRank(s); r >= 0 {
		return guardrailSide{r, s}
	}
	return guardrailSide{-1, strconv.Quote(mlClip(s, 12))}
}

// guardrailHasPIIFilter reports whether a PII entity blocks or anonymizes
// in at least one enabled direction. Action applies to both directions
// unless InputAction or OutputAction overrides it.
func guardrailHasPIIFilter(cfg configitem.Value) bool {
	for _, e := range mlPath(cfg, "SensitiveInformationPolicyConfig.PiiEntitiesConfig").List() {
		base := mlPath(e, "Action").Str()
		for _, dir := range [...]string{"Input", "Output"} {
			if b, ok := mlPath(e, dir+"Enabled").Bool(); ok && !b {
				continue
			}
			action := base
			if a := mlPath(e, dir+"Action"); a.Present() {
				action = a.Str()
			}
			switch strings.ToUpper(strings.TrimSpace(action)) {
			case "BLOCK", "ANONYMIZE":
				return true
			}
		}
	}
	return false
}

// guardrailHasGrounding reports whether a contextual grounding filter is
// enabled, blocks (Action NONE only detects) and has a threshold above 0,
// below which nothing is blocked.
func guardrailHasGrounding(cfg configitem.Value) bool {
	for _, f := range mlPath(cfg, "ContextualGroundingPolicyConfig.FiltersConfig").List() {
		if strings.TrimSpace(mlPath(f, "Type").Str()) == "" {
			continue
		}
		if b, ok := mlPath(f, "Enabled").Bool(); ok && !b {
			continue
		}
		if strings.EqualFold(strings.TrimSpace(mlPath(f, "Action").Str()), "NONE") {
			continue
		}
		if t, ok := mlFloat(mlPath(f, "Threshold")); ok && t <= 0 {
			continue
		}
		return true
	}
	return false
}

// mlFloat reads a JSON number or numeric string.
func mlFloat(v configitem.Value) (float64, bool) {
	if v.IsObject() || v.IsList() {
		return 0, false
	}
	switch x := v.Raw().(type) {
	case float64:
		return x, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

// guardrailEnumParam returns an Enum parameter, or def when the caller's
// Params lack it (ParseParams always fills the default in).
func guardrailEnumParam(p Params, name, def string) string {
	if p.IsSet(name) {
		return p.String(name)
	}
	return def
}

// guardrailBoolParam returns a Bool parameter, or def when it is unset.
func guardrailBoolParam(p Params, name string, def bool) bool {
	if p.IsSet(name) {
		return p.Bool(name)
	}
	return def
}
