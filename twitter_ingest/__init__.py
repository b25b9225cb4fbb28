"""Polling @uppolice mentions through tweepy, filing each exactly once, and the outbox of tweets we send."""
