package policygen

import (
	"slices"
	"strings"

	"github.com/aiguard/aiguard/awsid"
	"github.com/aiguard/aiguard/iampolicy"
)

// bedrockInvoke are the actions that authorise model inference. Converse
// and ConverseStream are authorised as these two; they are also the only
// Bedrock actions with bedrock:GuardrailIdentifier and
// bedrock:InferenceProfileArn.
var bedrockInvoke = []string{"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"}

// bedrockModelJobs run a model, or make models or capacity from one: batch
// inference, evaluation, customization and provisioned throughput. Each is
// authorised on the model's foundation-model or custom-model ARN (batch
// inference also on its job's ARN).
var bedrockModelJobs = []string{"bedrock:CreateEvaluationJob", "bedrock:CreateModelCustomizationJob",
	"bedrock:CreateModelInvocationJob", "bedrock:CreateProvisionedModelThroughput"}

const (
	keyGuardrail        = "bedrock:GuardrailIdentifier"
	keyInferenceProfile = "bedrock:InferenceProfileArn"
)

// bedrockStatements are the SCP denies for Bedrock: models (inference,
// batch inference, evaluation, customization and provisioned throughput)
// and the required guardrail. mantleStatements adds the same limits on
// the OpenAI-compatible Bedrock API.
func (t *teamPolicy) bedrockStatements() []iampolicy.Statement {
	models, others := t.modelArns()
	// One statement covers inference and the model jobs: each action is
	// authorised only on some resource types (inference on models,
	// profiles, async invocations and system tools; the jobs on foundation
	// and custom models, batch inference also on its job), so the union of
	// the allowed resources means the same for each. Asynchronous
	// invocations, system tools and batch jobs are authorised next to the
	// model, whose own ARN is still checked; customizing a custom model
	// continues from a model the team already made.
	allowed := slices.Concat(models, others, t.profileArns(), []string{
		t.arn("bedrock", "*", "*", "async-invoke/*"),
		t.arn("bedrock", "*", "*", "custom-model/*"),
		t.arn("bedrock", "*", "*", "model-invocation-job/*"),
		t.arn("bedrock", "", "*", "system-tool/*"),
	})
	out := []iampolicy.Statement{{
		Sid: "BedrockModels", Effect: deny, Action: sorted(slices.Concat(bedrockInvoke, bedrockModelJobs)...),
		NotResource: sorted(allowed...),
	}}
	if g := t.guardrailValue(); g != "" {
		op := "ArnNotEquals"
		if strings.Contains(g, "*") {
			op = "ArnNotLike"
		}
		st := iampolicy.Statement{
			Sid: "BedrockGuardrail", Effect: deny, Action: sorted(bedrockInvoke...),
			Condition: iampolicy.Condition{}.With(op, keyGuardrail, g),
		}
		// Guardrails screen text; embedding models are spared so that an
		// approved embedding model stays usable.
		if embed := t.embeddingModelArns(); len(embed) > 0 {
			st.NotResource = sorted(embed...)
		} else {
			st.Resource = []string{"*"}
		}
		out = append(out, st)
	}
	return out
}

// mantleStatements limit the OpenAI-compatible Bedrock API to the team's
// models by bedrock-mantle:Model, the model ID a request names. That API
// has no guardrail key, so a team whose invocations must apply a
// guardrail cannot use its inference at all.
func (t *teamPolicy) mantleStatements() []iampolicy.Statement {
	var ids []string
	if t.team.Bedrock != nil {
		for _, m := range t.team.Bedrock.AllowedModels {
			if id, ok := foundationModelID(m); ok {
				ids = append(ids, id)
			}
		}
	}
	var cond iampolicy.Condition
	if len(ids) > 0 {
		// StringNotLike is true when the key is absent: a request without a
		// model is denied too.
		cond = iampolicy.Condition{}.With("StringNotLike", keyMantleModel, ids...)
	}
	models := t.l.mantleModel
	var out []iampolicy.Statement
	if t.guardrailValue() != "" {
		out = append(out, denyAll("MantleNoGuardrail", []string{"bedrock-mantle:CreateInference"}, nil))
		models = without(models, "bedrock-mantle:CreateInference")
	}
	if len(models) > 0 {
		out = append(out, denyAll("MantleModels", models, cond))
	}
	return out
}

// modelArns are the team's approved models as ARNs: the foundation
// models in any Region, which also matches the Region-less ARN that global
// cross-Region inference authorises, and the custom, provisioned and
// imported models as given. A foundation-model ARN in the spec loses its
// Region: cross-Region inference authorises the model in every
// destination Region, and the Region SCP decides where calls may start.
func (t *teamPolicy) modelArns() (foundation, other []string) {
	if t.team.Bedrock == nil {
		return nil, nil
	}
	for _, m := range t.team.Bedrock.AllowedModels {
		if id, ok := foundationModelID(m); ok {
			foundation = append(foundation, t.arn("bedrock", "*", "", "foundation-model/"+id))
		} else {
			other = append(other, m)
		}
	}
	return foundation, other
}

// foundationModelID returns the model ID of a model ID or foundation-model
// ARN, and false for other model ARNs.
func foundationModelID(m string) (string, bool) {
	if !strings.HasPrefix(m, "arn:") {
		return m, true
	}
	a, ok := awsid.SplitARN(m)
	if !ok {
		return "", false
	}
	return strings.CutPrefix(a.Resource, "foundation-model/")
}

// profileArns are the approved inference profiles as ARNs. A global
// profile's Region-less model ARN is listed explicitly as well.
func (t *teamPolicy) profileArns() []string {
	var out []string
	if t.team.Bedrock == nil {
		return nil
	}
	for _, p := range t.team.Bedrock.InferenceProfiles {
		if strings.HasPrefix(p, "arn:") {
			out = append(out, p)
			continue
		}
		out = append(out, t.arn("bedrock", "*", "*", "inference-profile/"+p))
		if model, ok := strings.CutPrefix(p, "global."); ok {
			out = append(out, t.arn("bedrock", "", "", "foundation-model/"+model))
		}
	}
	return out
}

// embeddingModelArns are the approved foundation models that produce
// embeddings rather than text (their ID names them embed).
func (t *teamPolicy) embeddingModelArns() []string {
	var out []string
	models, _ := t.modelArns()
	for _, m := range models {
		if strings.Contains(m[strings.LastIndex(m, "/")+1:], "embed") {
			out = append(out, m)
		}
	}
	return out
}

// guardrailValue is the bedrock:GuardrailIdentifier a request must carry:
// the guardrail ARN, with :VERSION unless the version is DRAFT. A bare
// guardrail ID matches that guardrail in any Region and account.
func (t *teamPolicy) guardrailValue() string {
	b := t.team.Bedrock
	if b == nil || b.Guardrail == nil || b.Guardrail.ID == "" {
		return ""
	}
	g := b.Guardrail.ID
	if !strings.HasPrefix(g, "arn:") {
		g = t.arn("bedrock", "*", "*", "guardrail/"+g)
	}
	if v := b.Guardrail.Version; v != "" && v != "DRAFT" {
		g += ":" + v
	}
	return g
}
