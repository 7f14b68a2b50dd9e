package orgspec

import (
	"fmt"
	"strings"
)

// Failure modes of the CloudFormation Lambda hook (Hook.FailureMode).
const (
	HookWarn = "WARN"
	HookFail = "FAIL"
)

// Hook configures the CloudFormation Lambda hook.
type Hook struct {
	FailureMode string `yaml:"failureMode" check:"hookFailureMode" spec:"default=WARN" doc:"What CloudFormation does when the hook finds a resource non-compliant: WARN lets the operation go on and reports the finding, FAIL stops it. Start with WARN, then switch to FAIL."`
}

// LandingZone names the organizational units and accounts as a landing
// zone tool refers to them: Customizations for Control Tower and the
// Landing Zone Accelerator target OUs by name (nested OUs by path) and the
// Accelerator targets accounts by name, not by ID.
type LandingZone struct {
	OrganizationalUnits []OrganizationalUnitName `yaml:"organizationalUnits" doc:"The path of each organizational unit a team owns, by ID."`
	Accounts            []AccountName            `yaml:"accounts" doc:"The name of each account a team owns, by ID."`
}

// OrganizationalUnitName gives an organizational unit's path.
type OrganizationalUnitName struct {
	ID   string `yaml:"id" check:"ouID" spec:"required" doc:"Organizational unit ID (ou-...) or root ID (r-...)."`
	Path string `yaml:"path" check:"ouPath" spec:"required" doc:"The OU's names from the root down, separated by / (Workloads/Research); Root for the root."`
}

// AccountName gives an account's name.
type AccountName struct {
	ID   string `yaml:"id" check:"account" spec:"required" doc:"Account ID."`
	Name string `yaml:"name" check:"accountName" spec:"required" doc:"The account's name in AWS Organizations (and in the Landing Zone Accelerator's accounts-config.yaml)."`
}

// RootPath is the path landing zone tools give the organization root.
const RootPath = "Root"

// OUPath returns the path of an organizational unit or root, and whether
// the spec gives it (a root is always Root).
func (s *Spec) OUPath(id string) (string, bool) {
	if strings.HasPrefix(id, "r-") {
		return RootPath, true
	}
	for _, o := range s.Organization.LandingZone.OrganizationalUnits {
		if o.ID == id {
			return o.Path, true
		}
	}
	return "", false
}

// AccountName returns the name of an account, and whether the spec gives
// it.
func (s *Spec) AccountName(id string) (string, bool) {
	for _, a := range s.Organization.LandingZone.Accounts {
		if a.ID == id {
			return a.Name, true
		}
	}
	return "", false
}

// checkLandingZone reports an OU or account named twice, and warns about
// a name given for an OU or account no team owns (a typo in the ID).
func (s *Spec) checkLandingZone(c *collector) {
	lz := s.Organization.LandingZone
	ous, accounts := map[string]bool{}, map[string]bool{}
	for _, t := range s.Teams {
		for _, id := range t.OrganizationalUnits {
			ous[id] = true
		}
		for _, id := range t.Accounts {
			accounts[id] = true
		}
	}
	seen := map[string]string{}
	for i, o := range lz.OrganizationalUnits {
		p := fmt.Sprintf("organization.landingZone.organizationalUnits[%d]", i)
		if o.ID == "" {
			continue // reported by the decoder
		}
		if first, dup := seen[o.ID]; dup {
			c.errorf(s.pos.at(p+".id"), "%s.id: %s is already named by %s", p, o.ID, first)
			continue
		}
		seen[o.ID] = p
		if strings.HasPrefix(o.ID, "r-") && o.Path != "" && o.Path != RootPath {
			c.errorf(s.pos.at(p+".path"), "%s.path: %s is the root, which landing zone tools call %s", p, o.ID, RootPath)
		}
		if !ous[o.ID] {
			c.warnf(s.pos.at(p+".id"), "%s.id: no team owns %s; the name is not used", p, o.ID)
		}
	}
	for i, a := range lz.Accounts {
		p := fmt.Sprintf("organization.landingZone.accounts[%d]", i)
		if a.ID == "" {
			continue
		}
		if first, dup := seen[a.ID]; dup {
			c.errorf(s.pos.at(p+".id"), "%s.id: %s is already named by %s", p, a.ID, first)
			continue
		}
		seen[a.ID] = p
		if !accounts[a.ID] && a.ID != s.Organization.SecurityToolingAccount && a.ID != s.Organization.ManagementAccount {
			c.warnf(s.pos.at(p+".id"), "%s.id: no team owns account %s; the name is not used", p, a.ID)
		}
	}
}
