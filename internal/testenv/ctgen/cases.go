package ctgen

import (
	"time"
)

// Base is the scenario's reference time: a Tuesday, 10:00 in New York and
// 15:00 in London, working hours of the example organization and of team
// payments-risk.
var Base = time.Date(2024, 5, 21, 14, 0, 0, 0, time.UTC)

func at(min int) time.Time { return Base.Add(time.Duration(min) * time.Minute) }

// Case is one planted attack, or a near miss, of one detection.
type Case struct {
	Detection string // the detection it is about
	// Principal is who should (or, for a near miss, should not) show up in
	// a finding, as findings name principals.
	Principal string
	Fire      bool
	Records   []map[string]any
}

// Scenario builds a day's CloudTrail of the example organization
// (orgspec/example.yaml, with its detections section): benign noise, and
// for every detection records that must fire it and near misses that must
// not, each case with a principal of its own.
func (g *Generator) Scenario() (noise []map[string]any, cases []Case) {
	g.Noise(at(-60), 3*time.Hour, 60, func(r map[string]any) { noise = append(noise, r) })
	role := func(acct, name string) Principal { return Role(acct, name, "s-"+name) }
	add := func(det string, p Principal, fire bool, recs ...map[string]any) {
		who := p.ARN()
		if p.Kind == "role" {
			who = p.RoleARN()
		}
		cases = append(cases, Case{det, who, fire, recs})
	}
	repeat := func(n int, start, span time.Duration, f func(t time.Time) map[string]any) []map[string]any {
		var out []map[string]any
		for i := range n {
			out = append(out, f(Base.Add(start+span*time.Duration(i)/time.Duration(n))))
		}
		return out
	}
	bedrock, sagemaker := "bedrock.amazonaws.com", "sagemaker.amazonaws.com"

	// bedrock-model-access-change
	att := Attacker
	add("bedrock-model-access-change", att, true, g.Event(att, at(5), bedrock, "PutUseCaseForModelAccess", map[string]any{"formData": "HIDDEN_DUE_TO_SECURITY_REASONS"}))
	nm := role(AcctPayments2, "nm-access")
	add("bedrock-model-access-change", nm, false, g.Record(Call{Principal: nm, Time: at(5), Source: bedrock, Name: "CreateFoundationModelAgreement", ErrorCode: "AccessDeniedException"}))

	// bedrock-model-enumeration: 30 in 10m, not from the console
	enum := func(p Principal, n int, span time.Duration, console bool) []map[string]any {
		return repeat(n, 6*time.Minute, span, func(t time.Time) map[string]any {
			return g.Record(Call{Principal: p, Time: t, Source: bedrock, Name: "GetFoundationModelAvailability",
				Params: map[string]any{"modelId": "anthropic.claude-3-opus-20240229-v1:0"}, Console: console})
		})
	}
	add("bedrock-model-enumeration", att, true, enum(att, 40, 4*time.Minute, false)...)
	nm = role(AcctPayments2, "nm-enum")
	add("bedrock-model-enumeration", nm, false, enum(nm, 29, 9*time.Minute, false)...)
	add("bedrock-model-enumeration", PaymentsAnalyst, false, enum(PaymentsAnalyst, 100, 5*time.Minute, true)...)

	// bedrock-invocation-spike: the example sets 2000 in 10m
	proxy := User(AcctRetail, "llm-proxy")
	add("bedrock-invocation-spike", proxy, true, repeat(2100, 20*time.Minute, 9*time.Minute, func(t time.Time) map[string]any {
		return g.Invoke(proxy, t, "InvokeModel")
	})...)
	nm = role(AcctPayments2, "nm-spike")
	add("bedrock-invocation-spike", nm, false, repeat(1999, 20*time.Minute, 9*time.Minute, func(t time.Time) map[string]any {
		return g.Invoke(nm, t, "Converse")
	})...)

	// bedrock-logging-disabled
	add("bedrock-logging-disabled", att, true, g.Event(att, at(11), bedrock, "DeleteModelInvocationLoggingConfiguration", nil))
	quiet := role(AcctRetail, "quiet-logging")
	add("bedrock-logging-disabled", quiet, true, g.Event(quiet, at(12), bedrock, "PutModelInvocationLoggingConfiguration", map[string]any{
		"loggingConfig": map[string]any{"s3Config": map[string]any{"bucketName": "example-logs"}, "textDataDeliveryEnabled": false,
			"imageDataDeliveryEnabled": false, "embeddingDataDeliveryEnabled": false},
	}))
	nm = role(AcctPayments2, "nm-logging")
	add("bedrock-logging-disabled", nm, false, g.Event(nm, at(12), bedrock, "PutModelInvocationLoggingConfiguration", map[string]any{
		"loggingConfig": map[string]any{"cloudWatchConfig": map[string]any{"logGroupName": "bedrock", "roleArn": "arn:aws:iam::444444444444:role/bedrock-logs"},
			"textDataDeliveryEnabled": true},
	}))

	// bedrock-guardrail-weakened
	ops := role(AcctPayments, "ops-automation")
	add("bedrock-guardrail-weakened", ops, true, g.Guardrail(ops, at(30), "pay0risk0gr1", false))
	add("bedrock-guardrail-weakened", att, true, g.Event(att, at(31), bedrock, "DeleteGuardrail", map[string]any{"guardrailIdentifier": "pay0risk0gr1"}))
	nm = role(AcctPayments2, "nm-guardrail")
	add("bedrock-guardrail-weakened", nm, false, g.Guardrail(nm, at(30), "pay0risk0gr1", true))

	// sagemaker-bulk-endpoint-creation: 10 in 1h
	endpoints := func(p Principal, n int, span time.Duration) []map[string]any {
		return repeat(n, 40*time.Minute, span, func(t time.Time) map[string]any {
			return g.Event(p, t, sagemaker, "CreateEndpoint", map[string]any{"endpointName": "ep-" + t.Format("150405"), "endpointConfigName": "cfg"})
		})
	}
	deployer := role(AcctRetail, "mlops-deployer")
	add("sagemaker-bulk-endpoint-creation", deployer, true, endpoints(deployer, 12, 30*time.Minute)...)
	nm = role(AcctPayments2, "nm-endpoints")
	add("sagemaker-bulk-endpoint-creation", nm, false, endpoints(nm, 9, 55*time.Minute)...)

	// sagemaker-presigned-url-unexpected-source
	add("sagemaker-presigned-url-unexpected-source", PaymentsAnalyst, true, g.Presign(PaymentsAnalyst, at(45), "198.51.100.23", ""))
	nm = role(AcctPayments2, "nm-presign-a")
	add("sagemaker-presigned-url-unexpected-source", nm, false, g.Presign(nm, at(45), "10.20.1.5", ""))
	nm = role(AcctPayments2, "nm-presign-b")
	add("sagemaker-presigned-url-unexpected-source", nm, false, g.Presign(nm, at(46), "198.51.100.23", "vpce-0a1b2c3d4e5f60099"))

	// ml-model-artifact-download
	thief := role(AcctPayments, "etl-batch")
	add("ml-model-artifact-download", thief, true, g.GetObject(thief, at(50), BucketPaymentsModels, "fraud/v7/model.tar.gz"))
	nm = role(AcctPayments, "nm-artifact")
	add("ml-model-artifact-download", nm, false,
		g.GetObject(nm, at(50), "example-shared-public", "fraud/v7/model.tar.gz"),
		g.GetObject(nm, at(51), BucketPaymentsData, "raw/2024/05/21/batch.csv"))
	add("ml-model-artifact-download", PaymentsInference, false, g.GetObject(PaymentsInference, at(52), BucketPaymentsModels, "fraud/v7/model.tar.gz"))

	// sagemaker-off-hours-training: payments-risk works 08:00-19:00 London,
	// retail-vision the organization's 07:00-20:00 New York; research
	// turns the detection off.
	night := role(AcctPayments, "jobs-scheduler")
	add("sagemaker-off-hours-training", night, true, g.TrainingJob(night, Base.Add(11*time.Hour+30*time.Minute), PaymentsTraining.RoleARN(), nil))
	late := role(AcctRetail, "late-trainer")
	add("sagemaker-off-hours-training", late, true, g.TrainingJob(late, Base.Add(13*time.Hour), "arn:aws:iam::666666666666:role/shelf-training", nil))
	nm = role(AcctPayments, "nm-offhours-a")
	add("sagemaker-off-hours-training", nm, false, g.TrainingJob(nm, at(60), PaymentsTraining.RoleARN(), nil))
	nm = role(AcctResearch, "nm-offhours-b")
	add("sagemaker-off-hours-training", nm, false, g.TrainingJob(nm, Base.Add(13*time.Hour), ResearchTraining.RoleARN(), map[string]string{"aiguard-team": "research"}))

	// ml-access-denied-burst: 20 in 10m
	denied := func(p Principal, n int, span time.Duration, sources ...string) []map[string]any {
		i := 0
		return repeat(n, 60*time.Minute, span, func(t time.Time) map[string]any {
			i++
			return g.Denied(p, t, sources[i%len(sources)], []string{"CreateEndpoint", "InvokeModel", "ListFoundationModels"}[i%3])
		})
	}
	probe := role(AcctResearch, "probe")
	add("ml-access-denied-burst", probe, true, denied(probe, 25, 5*time.Minute, bedrock, sagemaker)...)
	nm = role(AcctPayments2, "nm-denied-a")
	add("ml-access-denied-burst", nm, false, denied(nm, 19, 9*time.Minute, bedrock)...)
	nm = role(AcctPayments2, "nm-denied-b")
	add("ml-access-denied-burst", nm, false, denied(nm, 30, 5*time.Minute, "kms.amazonaws.com")...)

	// ml-detection-tampering
	add("ml-detection-tampering", att, true,
		g.Event(att, at(80), "cloudtrail.amazonaws.com", "StopLogging", map[string]any{"name": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail"}),
		g.Event(att, at(81), "guardduty.amazonaws.com", "UpdateDetector", map[string]any{"detectorId": "12abc34d567e8fa901bc2d34e56789f0", "enable": false}),
		g.Event(att, at(82), "iam.amazonaws.com", "PutRolePolicy", map[string]any{"roleName": "aiguard-config-rules-member", "policyName": "x", "policyDocument": "{}"}))
	nm = role(AcctPayments2, "nm-tamper")
	add("ml-detection-tampering", nm, false,
		g.Event(nm, at(80), "guardduty.amazonaws.com", "UpdateDetector", map[string]any{"detectorId": "12abc34d567e8fa901bc2d34e56789f0", "enable": true}),
		g.Event(nm, at(81), "config.amazonaws.com", "DeleteConformancePack", map[string]any{"conformancePackName": "team-sandbox-pack"}),
		g.Event(nm, at(82), "iam.amazonaws.com", "PutRolePolicy", map[string]any{"roleName": "other-role", "policyName": "x", "policyDocument": "{}"}),
		g.Event(nm, at(83), "cloudtrail.amazonaws.com", "PutEventSelectors", map[string]any{"trailName": "org-trail",
			"advancedEventSelectors": []any{map[string]any{"fieldSelectors": []any{
				map[string]any{"field": "eventCategory", "equals": []any{"Data"}},
				map[string]any{"field": "resources.type", "equals": []any{"AWS::S3::Object"}},
			}}}}))
	return noise, cases
}
