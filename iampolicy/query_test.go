package iampolicy

import (
	"reflect"
	"strings"
	"testing"
)

func TestMatchWildcard(t *testing.T) {
	tests := []struct {
		pattern, s string
		fold, want bool
	}{
		{"*", "", false, true},
		{"*", "anything", false, true},
		{"a*c", "abbbc", false, true},
		{"a?c", "abc", false, true},
		{"a?c", "ac", false, false},
		{"*b*", "abc", false, true},
		{"ab", "abc", false, false},
		{"a**", "a", false, true},
		{"*x", "abc", false, false},
		{strings.Repeat("*a", 30) + "b", strings.Repeat("a", 60), false, false},
		{"s3:*", "s3:GetObject", false, true},
		{"s3:Get*", "s3:GetObject", false, true},
		{"s3:Get*", "s3:PutObject", false, false},
		{"kms:Decrypt*", "kms:Decrypt", false, true},
		{"KMS:decrypt", "kms:Decrypt", true, true},
		{"KMS:decrypt", "kms:Decrypt", false, false},
		{"kms:?ecrypt", "kms:Decrypt", false, true},
		{"kms:?ecrypt", "kms:Encrypt", false, false},
		{"a*b*c", "axxbyyc", false, true},
		{"a*b*c", "axxbyy", false, false},
		{"arn:aws:s3:::b", "arn:aws:s3:::b/", false, false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/k", false, true},
		{"arn:aws:s3:::é?", "arn:aws:s3:::éx", false, true},
		{"ÉTÉ:*", "été:x", true, true},
		{"ÉTÉ:*", "été:x", false, false},
	}
	for _, tt := range tests {
		if got := MatchWildcard(tt.pattern, tt.s, tt.fold); got != tt.want {
			t.Errorf("MatchWildcard(%q, %q, %v) = %v, want %v", tt.pattern, tt.s, tt.fold, got, tt.want)
		}
	}
}

func TestConditionTests(t *testing.T) {
	c := Condition{
		"StringLike":             {"b": {"1"}, "a": {"2", "3"}},
		"Bool":                   {"aws:SecureTransport": {"false"}},
		"ForAnyValue:StringLike": {"k": nil},
		"Null":                   {},
	}
	want := []ConditionTest{
		{"Bool", "aws:SecureTransport", []string{"false"}},
		{"ForAnyValue:StringLike", "k", nil},
		{"StringLike", "a", []string{"2", "3"}},
		{"StringLike", "b", []string{"1"}},
	}
	if got := c.Tests(); !reflect.DeepEqual(got, want) {
		t.Errorf("Tests() =\n%+v\nwant\n%+v", got, want)
	}
	if got := Condition(nil).Tests(); got != nil {
		t.Errorf("no condition: %+v", got)
	}
}

func TestElements(t *testing.T) {
	doc, err := Parse([]byte(`{"Statement":[
		{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},
		{"Effect":"Deny","NotPrincipal":{"AWS":"x"},"NotAction":[],"NotResource":"arn:aws:s3:::b"},
		{"Effect":"Allow","Action":"a","NotAction":"b"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	type elems struct {
		actions, resources []string
		notA, notR, notP   bool
		principal          bool
	}
	var got []elems
	for i := range doc.Statement {
		s := &doc.Statement[i]
		var e elems
		e.actions, e.notA = s.ActionElement()
		e.resources, e.notR = s.ResourceElement()
		p, notP := s.PrincipalElement()
		e.principal, e.notP = p != nil, notP
		got = append(got, e)
	}
	want := []elems{
		{actions: []string{"s3:GetObject"}, resources: []string{"*"}, principal: true},
		{actions: []string{}, resources: []string{"arn:aws:s3:::b"}, notA: true, notR: true, notP: true, principal: true},
		// Both: the element wins over its Not form.
		{actions: []string{"a"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("elements:\n got %+v\nwant %+v", got, want)
	}
}
