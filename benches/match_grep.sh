#!/bin/sh
# Copyright 2026 The IntelliSIEM Authors
# SPDX-License-Identifier: Apache-2.0
# The substring-only peer of `intellisiem match`: counts eve.json lines holding any
# listed value. usage: match_grep.sh values.txt eve.json
exec grep -F -c -f "$1" "$2"
