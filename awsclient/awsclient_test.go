package awsclient

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

func testClients(t *testing.T) *Clients {
	t.Helper()
	c, err := New(context.Background(), config.WithRegion("eu-west-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "secret", "")),
		config.WithSharedConfigFiles([]string{}), config.WithSharedCredentialsFiles([]string{}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestGetMakesEachClientOnce: a client per role, Region and service, made
// on first use; another role assumes through the STS client of the
// process's own credentials, made then.
func TestGetMakesEachClientOnce(t *testing.T) {
	c := testClients(t)
	if got := c.Made("", ""); got != nil {
		t.Fatalf("clients before any Get: %v", got)
	}
	a := Get(c, "", "", "config", configservice.NewFromConfig)
	if b := Get(c, "", "", "config", configservice.NewFromConfig); a != b {
		t.Error("a second Get made another client")
	}
	if other := Get(c, "", "us-west-2", "config", configservice.NewFromConfig); other == a || other.Options().Region != "us-west-2" {
		t.Errorf("the client of another Region is %p in %s", other, other.Options().Region)
	}
	Get(c, "", "", "sns", sns.NewFromConfig)
	if got := c.Made("", ""); !slices.Equal(got, []string{"config", "sns"}) {
		t.Errorf("made %v, want [config sns]", got)
	}

	role := "arn:aws:iam::444455556666:role/aiguard-member"
	member := Get(c, role, "", "config", configservice.NewFromConfig)
	if member == a {
		t.Error("the member role shares the function's client")
	}
	if got := c.Made("", ""); !slices.Contains(got, "sts") {
		t.Errorf("no STS client after a role's client was made: %v", got)
	}
	if p, ok := member.Options().Credentials.(*aws.CredentialsCache); !ok || p != c.creds[role] {
		t.Errorf("the member's credentials are %T, want the role's cache", member.Options().Credentials)
	}
	if Get(c, role, "us-west-2", "config", configservice.NewFromConfig).Options().Credentials != member.Options().Credentials {
		t.Error("another Region of the role does not share its credentials")
	}
}

func TestRegion(t *testing.T) {
	c := testClients(t)
	if c.Region("") != "eu-west-1" || c.Region("us-east-2") != "us-east-2" {
		t.Errorf("Region: %q, %q", c.Region(""), c.Region("us-east-2"))
	}
}
