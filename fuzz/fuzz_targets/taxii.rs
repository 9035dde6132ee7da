// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

#![no_main]

use intellisiem::sources::stix::objects::parse_document;
use intellisiem::sources::{BatchBuilder, misp, misp_feed};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A TAXII envelope or STIX bundle: every group range lies inside the batch.
    if let Ok((batch, groups)) = parse_document(data, jiff::Timestamp::UNIX_EPOCH) {
        for (_, r) in groups {
            assert!(r.end <= batch.sightings.len());
        }
    }
    // The MISP readers on the same bytes.
    let _ = misp_feed::parse_manifest(data);
    let _ = misp_feed::parse_event_into(data, true, &mut BatchBuilder::new());
    let _ = misp::parse_page_into(data, false, &mut BatchBuilder::new());
});
