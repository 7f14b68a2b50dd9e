package policygen

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aiguard/aiguard/iampolicy"
)

// stmt is a Deny whose minified size grows with n.
func stmt(sid string, n int) iampolicy.Statement {
	return iampolicy.Statement{Sid: sid, Effect: deny, Action: []string{"s:" + strings.Repeat("A", n)}, Resource: []string{"*"}}
}

func TestPack(t *testing.T) {
	frame := len(`{"Version":"2012-10-17","Statement":[]}`)
	base, err := statementSize(stmt("S0", 0)) // Sids S0..S9 are all this long
	if err != nil {
		t.Fatal(err)
	}
	// size(n) = base + n; pick sizes that make first-fit decreasing visible.
	tests := []struct {
		name  string
		sizes []int // statement sizes in characters
		max   int
		want  [][]string // Sids per policy
	}{
		{"one policy", []int{100, 100, 100}, frame + 302, [][]string{{"S0", "S1", "S2"}}},
		{"exactly full", []int{100, 100}, frame + 201, [][]string{{"S0", "S1"}}},
		{"one character over", []int{100, 100}, frame + 200, [][]string{{"S0"}, {"S1"}}},
		// Decreasing order: 300 and 200 fill the first policy, 250 and 240
		// the second; in the given order first-fit would need three.
		{"first fit decreasing", []int{200, 250, 300, 240}, frame + 501, [][]string{{"S0", "S2"}, {"S1", "S3"}}},
		{"empty", nil, 1000, [][]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var sts []iampolicy.Statement
			for i, s := range tc.sizes {
				sts = append(sts, stmt(fmt.Sprintf("S%d", i), s-base))
			}
			docs, err := pack(sts, tc.max)
			if err != nil {
				t.Fatal(err)
			}
			got := [][]string{}
			for _, d := range docs {
				got = append(got, sids(d.doc.Statement))
				if d.size != len(d.body) || d.size > tc.max {
					t.Errorf("policy of %d characters (body %d), limit %d", d.size, len(d.body), tc.max)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("packed %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPackStatementTooLarge(t *testing.T) {
	_, err := pack([]iampolicy.Statement{stmt("Small", 1), stmt("Huge", 2000)}, 1000)
	if err == nil || !strings.Contains(err.Error(), "statement Huge alone takes") {
		t.Fatalf("error %v, want one naming statement Huge", err)
	}
}

// TestPackKeepsEveryStatement packs many statements of varied sizes and
// checks each lands in exactly one policy, unchanged.
func TestPackKeepsEveryStatement(t *testing.T) {
	var sts []iampolicy.Statement
	for i := 0; i < 60; i++ {
		sts = append(sts, stmt(fmt.Sprintf("S%02d", i), (i*37)%400))
	}
	docs, err := pack(sts, 2000)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range docs {
		if !slices.IsSorted(sids(d.doc.Statement)) {
			t.Errorf("statements out of their given order: %v", sids(d.doc.Statement))
		}
		got = append(got, sids(d.doc.Statement)...)
	}
	slices.Sort(got)
	if want := sids(sts); !slices.Equal(got, want) {
		t.Errorf("packed statements %v, want %v", got, want)
	}
}
