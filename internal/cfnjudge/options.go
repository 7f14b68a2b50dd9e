package cfnjudge

import (
	"time"

	"github.com/aiguard/aiguard/rules"
)

// Options say where template and planned resources are judged.
type Options struct {
	// Registry is the catalog the rules a template's metadata skips are
	// looked up in.
	Registry *rules.Registry
	// TemplateParams override the Default of template parameters
	// (--parameter Key=Value).
	TemplateParams map[string]string
	// AccountID and Region are the account and Region the resources would
	// be deployed in, when known: the pseudo parameters and the resources'
	// identities.
	AccountID string
	Region    string
	// Now is the ordering timestamp of the resources, which have no capture
	// time, and the day suppressions and exemptions are judged on.
	Now time.Time
}
