package scan

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/rules"
)

// TestEvaluateResourceMatchesScan judges every resource of a template one
// at a time, as a CloudFormation hook presents it, and expects exactly
// what the scan of the whole template says about it.
func TestEvaluateResourceMatchesScan(t *testing.T) {
	opts := Options{AccountID: "111122223333", Region: "us-east-1"}
	out, _ := scanFiles(t, opts, "template.json")
	var want []rules.Evaluation
	if err := json.Unmarshal([]byte(out), &want); err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 { // both sides empty would agree on nothing
		t.Fatal("the scan of template.json judged nothing")
	}
	data, err := os.ReadFile(fixture("template.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tpl struct {
		Resources map[string]struct {
			Type       string
			Properties json.RawMessage
		}
	}
	if err := json.Unmarshal(data, &tpl); err != nil {
		t.Fatal(err)
	}
	var got []rules.Evaluation
	for _, id := range slices.Sorted(maps.Keys(tpl.Resources)) {
		r := tpl.Resources[id]
		evs, err := EvaluateResource(context.Background(), Resource{LogicalID: id, Type: r.Type, Properties: r.Properties},
			ResourceOptions{AccountID: opts.AccountID, Region: opts.Region, Now: testNow})
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		got = append(got, evs...)
	}
	key := func(e rules.Evaluation) string { return e.ResourceID + " " + e.RuleID }
	index := map[string]rules.Evaluation{}
	for _, e := range want {
		index[key(e)] = e
	}
	if len(got) != len(want) {
		t.Errorf("%d evaluations one resource at a time, %d from the scan", len(got), len(want))
	}
	for _, e := range got {
		if w, ok := index[key(e)]; !ok || w != e {
			t.Errorf("%s: got %+v, the scan says %+v", key(e), e, w)
		}
	}
}

func TestEvaluateResource(t *testing.T) {
	notebook := json.RawMessage(`{"InstanceType":"ml.t3.medium","RoleArn":"arn:aws:iam::111122223333:role/r",
		"DirectInternetAccess":"Enabled","RootAccess":"Disabled"}`)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		res  Resource
		opts ResourceOptions
		want map[string]rules.Compliance // rule ID → verdict; nil: no evaluations
		err  string
	}{
		{name: "uncovered type", res: Resource{LogicalID: "Vpc", Type: "AWS::EC2::VPC", Properties: json.RawMessage(`{}`)}},
		{name: "one rule", res: Resource{LogicalID: "Nb", Type: "AWS::SageMaker::NotebookInstance", Properties: notebook},
			opts: ResourceOptions{Rules: []string{"sagemaker-notebook-no-direct-internet"}},
			want: map[string]rules.Compliance{"sagemaker-notebook-no-direct-internet": rules.NonCompliant}},
		{name: "exempted", res: Resource{LogicalID: "Nb", Type: "AWS::SageMaker::NotebookInstance", Properties: notebook},
			opts: ResourceOptions{Rules: []string{"sagemaker-notebook-no-direct-internet"},
				Params: map[string]map[string]string{"sagemaker-notebook-no-direct-internet": {rules.ExemptParam: "Nb"}}},
			want: map[string]rules.Compliance{"sagemaker-notebook-no-direct-internet": rules.NotApplicable}},
		{name: "rule of another type", res: Resource{LogicalID: "Nb", Type: "AWS::SageMaker::NotebookInstance", Properties: notebook},
			opts: ResourceOptions{Rules: []string{"s3-ml-bucket-tls-enforced"}}},
		{name: "unknown rule", res: Resource{LogicalID: "Nb", Type: "AWS::SageMaker::NotebookInstance", Properties: notebook},
			opts: ResourceOptions{Rules: []string{"sagemaker-notebook-in-vcp"}}, err: "did you mean"},
		{name: "bad parameter", res: Resource{LogicalID: "Nb", Type: "AWS::SageMaker::NotebookInstance", Properties: notebook},
			opts: ResourceOptions{Params: map[string]map[string]string{"sagemaker-notebook-in-vpc": {"nope": "x"}}}, err: "nope"},
		{name: "not JSON", res: Resource{LogicalID: "Nb", Type: "AWS::SageMaker::NotebookInstance", Properties: json.RawMessage(`{"a":`)},
			err: "not valid JSON"},
		{name: "not an object", res: Resource{LogicalID: "Nb", Type: "AWS::SageMaker::NotebookInstance", Properties: json.RawMessage(`[1]`)},
			err: "not a JSON object"},
		{name: "no properties", res: Resource{LogicalID: "K", Type: "AWS::KMS::Key"},
			want: map[string]rules.Compliance{"kms-ml-key-policy-restricted": rules.NotApplicable}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Now = testNow
			evs, err := EvaluateResource(ctx, tc.res, tc.opts)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]rules.Compliance{}
			for _, e := range evs {
				got[e.RuleID] = e.Compliance
				if e.ResourceID != tc.res.LogicalID || e.ResourceType != tc.res.Type || !e.OrderingTimestamp.Equal(testNow) {
					t.Errorf("evaluation %+v", e)
				}
			}
			if tc.want == nil && len(evs) > 0 {
				t.Fatalf("got %v, want no evaluations", got)
			}
			for id, c := range tc.want {
				if got[id] != c {
					t.Errorf("%s: %s, want %s (all: %v)", id, got[id], c, got)
				}
			}
		})
	}
	ctx2, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := EvaluateResource(ctx2, Resource{LogicalID: "A", Type: "AWS::KMS::Key"}, ResourceOptions{}); err == nil {
		t.Error("a cancelled context gave no error")
	}
}
