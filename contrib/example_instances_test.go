package contrib_test

import (
	"log"

	"github.com/gin-dance/dance"
	"github.com/gin-dance/dance/contrib"
	"github.com/gin-gonic/gin"
)

// An Okta org with a custom authorization server, and a refresh token.
// The endpoints are Okta's documented paths under the domain and server;
// the ID token is verified against https://dev-123456.okta.com/oauth2/aus8abc.
func ExampleOkta() {
	okta, err := contrib.Okta(contrib.OktaConfig{ // OKTA_OAUTH_CLIENT_ID/SECRET
		Domain:              "dev-123456.okta.com",
		AuthorizationServer: "aus8abc", // default "default"
		Scopes:              []string{"openid", "profile", "email", "offline_access"},
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = okta
}

// A Cognito user pool's managed login: the domain carries the OAuth
// endpoints, the pool ID (with its region) the issuer.
func ExampleCognito() {
	cognito, err := contrib.Cognito(contrib.CognitoConfig{ // COGNITO_OAUTH_CLIENT_ID/SECRET
		Domain:     "myapp.auth.eu-west-1.amazoncognito.com",
		UserPoolID: "eu-west-1_AbCdEf123",
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = cognito
}

// A Shopify shop: the callback's hmac is checked with the client secret
// before the dance goes on, and API calls are to the Admin API version
// given, with the token in X-Shopify-Access-Token.
func ExampleShopify() {
	shopify, err := contrib.Shopify(contrib.ShopifyConfig{ // SHOPIFY_OAUTH_CLIENT_ID/SECRET
		Shop:       "my-shop", // or "my-shop.myshopify.com"
		Scopes:     []string{"read_products", "read_orders"},
		APIVersion: "2026-10",
	})
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	shopify.Register(r.Group("/login"))
	r.GET("/products", shopify.Required(), func(c *gin.Context) {
		var out struct {
			Products []struct {
				Title string `json:"title"`
			} `json:"products"`
		}
		if err := c.MustGet("shopify").(*dance.Client).GetJSON("products.json", &out); err != nil {
			c.String(502, "Shopify did not answer")
			return
		}
		c.JSON(200, out.Products)
	})
}
