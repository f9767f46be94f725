package contrib_test

import (
	"testing"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
)

// TestPresetBattleNetDevLogin: through the development provider, a
// Battle.net login stores a token and the profile maps /userinfo: the
// account ID, and the BattleTag as Login and Name.
func TestPresetBattleNetDevLogin(t *testing.T) {
	cfg := contrib.BattleNetConfig{Endpoints: contrib.Endpoints{Dev: pbDev(t)}}
	a := pbLogin(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.BattleNet(cfg) }, "bob")
	a.ok(t)
	if p := a.profile(t); p.ID != "1002" || p.Login != "Bob Builder" || p.Name != "Bob Builder" {
		t.Errorf("profile %+v, want bob's ID and BattleTag", p)
	}
}

// TestPresetBattleNetChinaRegion: Region "cn" sends the login and the
// token request to oauth.battlenet.com.cn; the other regions share
// oauth.battle.net.
func TestPresetBattleNetChinaRegion(t *testing.T) {
	for region, host := range map[string]string{"cn": "oauth.battlenet.com.cn", "eu": "oauth.battle.net", "": "oauth.battle.net"} {
		cfg := contrib.BattleNetConfig{ClientID: "id", ClientSecret: "s", Region: region}
		a := pbServe(t, &cfg.Options, func() (*dance.Blueprint, error) { return contrib.BattleNet(cfg) })
		if u := a.authURL(t); u.Host != host {
			t.Errorf("region %q: authorization at %s, want %s", region, u.Host, host)
		}
	}
}
