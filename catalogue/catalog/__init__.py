"""Enterprises, exhibits and categories: models, rules, operations, queries and visitor pages."""
