package presets

// Yandex is Yandex ID (Yandex OAuth).
var Yandex = Provider{
	Name: "yandex", Config: "YandexConfig",
	AuthURL:     "https://oauth.yandex.com/authorize",
	TokenURL:    "https://oauth.yandex.com/token",
	BaseURL:     "https://login.yandex.ru/",
	Refreshable: true,
	Profile: &Profile{
		URL: "info?format=json", ID: "id", Login: "login", Name: "real_name",
		NameParts: []string{"display_name"}, Email: "default_email",
	},
}
