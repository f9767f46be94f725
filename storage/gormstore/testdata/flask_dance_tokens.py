#!/usr/bin/python3
"""Writes tokens through Flask-Dance's own SQLAlchemyStorage into a SQLite
file, so that gormstore's tests can read rows that Flask-Dance wrote, and
reads a token back through it, so that the tests can show Flask-Dance
reading what gormstore wrote.

Debian's packages give Flask-Dance 6.2:
    apt-get install python3-flask-dance python3-flask-sqlalchemy

    /usr/bin/python3 flask_dance_tokens.py write flask_dance.db
    /usr/bin/python3 flask_dance_tokens.py read flask_dance.db PROVIDER USER_ID|-

The tokens are what requests-oauthlib makes of a provider's token response
(the same path Flask-Dance's authorized view takes), with the clock fixed
at 1700000000 so that expires_at is reproducible.
"""
import json
import sys
import time

from flask import Flask
from flask_dance.consumer import OAuth2ConsumerBlueprint
from flask_dance.consumer.storage.sqla import OAuthConsumerMixin, SQLAlchemyStorage
from flask_sqlalchemy import SQLAlchemy
from oauthlib.oauth2 import WebApplicationClient

mode, path = sys.argv[1], sys.argv[2]
app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + path
db = SQLAlchemy(app)


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))


class OAuth(OAuthConsumerMixin, db.Model):  # table flask_dance_oauth
    user_id = db.Column(db.Integer, db.ForeignKey(User.id))
    user = db.relationship(User)


current = {"user": None}


def blueprint(name):
    bp = OAuth2ConsumerBlueprint(name, __name__, client_id="id", client_secret="secret",
                                 token_url="https://example.com/token")
    bp.storage = SQLAlchemyStorage(OAuth, db.session, user=lambda: current["user"],
                                   user_required=False)
    return bp


def parse(response):
    """The token requests-oauthlib returns for a token response body."""
    real = time.time
    time.time = lambda: 1700000000.0
    try:
        return dict(WebApplicationClient("id").parse_request_body_response(json.dumps(response)))
    finally:
        time.time = real


with app.app_context():
    if mode == "write":
        db.create_all()
        alice, bob = User(id=1, name="alice"), User(id=2, name="bob")
        db.session.add_all([alice, bob])
        db.session.commit()
        github, google, twitter = blueprint("github"), blueprint("google"), blueprint("twitter")
        current["user"] = alice
        github.storage.set(github, parse({
            "access_token": "alice-github-access", "token_type": "bearer",
            "scope": "user:email repo", "expires_in": 3600, "refresh_token": "alice-github-refresh",
        }))
        google.storage.set(google, parse({
            "access_token": "alice-google-access", "token_type": "Bearer", "expires_in": 3599,
            "scope": "openid email", "id_token": "header.payload.signature",
        }))
        current["user"] = bob
        github.storage.set(github, parse({
            "access_token": "bob-github-access", "token_type": "bearer",
            "scope": "user:email repo", "expires_in": 3600, "refresh_token": "bob-github-refresh",
        }))
        current["user"] = None  # an OAuth 1 token with no user
        twitter.storage.set(twitter, {
            "oauth_token": "tw-token", "oauth_token_secret": "tw-secret",
            "user_id": "6253282", "screen_name": "twitterapi",
        })
    elif mode == "read":
        provider, uid = sys.argv[3], sys.argv[4]
        current["user"] = None if uid == "-" else db.session.get(User, int(uid))
        bp = blueprint(provider)
        print(json.dumps(bp.storage.get(bp), sort_keys=True))
