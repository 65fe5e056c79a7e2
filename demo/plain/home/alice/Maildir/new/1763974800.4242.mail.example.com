Return-Path: <dave@example.net>
Delivered-To: alice@example.com
Received: (qmail 4242 invoked from network); 24 Nov 2026 08:00:00 -0000
From: dave@example.net
To: alice@example.com
Subject: Welcome
Date: Mon, 24 Nov 2026 08:00:00 +0000
Message-ID: <731.16@example.net>

Hello Alice.
