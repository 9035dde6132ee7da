// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! abuse.ch URLhaus: the `csv_recent` dump (keyless; `#` banner lines, the header itself a
//! comment, every field quoted) and, with an abuse.ch key, the v1 API `urls/recent/`.

use serde::Deserialize;

use super::{
    BatchBuilder, FetchContext, FetchError, FetchOutput, ParseError, ParsedBatch, SkipReason,
    lenient,
};
use crate::config::KeyKind;
use crate::config::SourceSpec;
use crate::config::kind::{Field, KeyUse, KindInfo, minutes};
use crate::model::time::parse_secs;
use crate::model::{IndicatorType, Observation};
use crate::net::Request;
use futures_util::future::BoxFuture;

/// Where each column of the CSV dump is, by the names in its header comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Columns {
    url: usize,
    dateadded: Option<usize>,
    url_status: Option<usize>,
    last_online: Option<usize>,
    threat: Option<usize>,
    tags: Option<usize>,
    urlhaus_link: Option<usize>,
}

impl Columns {
    /// The layout abuse.ch documents today, for a dump without a header comment:
    /// `id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter`.
    const CURRENT: Columns = Columns {
        url: 2,
        dateadded: Some(1),
        url_status: Some(3),
        last_online: Some(4),
        threat: Some(5),
        tags: Some(6),
        urlhaus_link: Some(7),
    };

    /// The columns a header comment names; an error naming them when `url` is not one.
    fn from_names(names: &[String]) -> Result<Columns, ParseError> {
        let find = |n: &str| names.iter().position(|x| x == n);
        let url = find("url").ok_or_else(|| {
            ParseError::Shape(format!(
                "URLhaus CSV header has no `url` column (found: {})",
                crate::model::sanitize::one_line(&names.join(", "), 200)
            ))
        })?;
        Ok(Columns {
            url,
            dateadded: find("dateadded"),
            url_status: find("url_status"),
            last_online: find("last_online"),
            threat: find("threat"),
            tags: find("tags"),
            urlhaus_link: find("urlhaus_link"),
        })
    }

    /// The layout named by the header comment among the leading `#` lines (a comment of
    /// two or more comma-separated names such as `# id,dateadded,url,...`), else
    /// [`Columns::CURRENT`].
    fn of(body: &[u8]) -> Result<Columns, ParseError> {
        for line in body.split(|&b| b == b'\n') {
            let line = line.trim_ascii();
            let Some(comment) = line.strip_prefix(b"#") else {
                if line.is_empty() {
                    continue;
                }
                break;
            };
            let names: Vec<String> = String::from_utf8_lossy(comment)
                .split(',')
                .map(|n| n.trim().to_ascii_lowercase())
                .collect();
            let is_header = names.len() >= 2
                && names.iter().all(|n| {
                    !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                });
            if is_header {
                return Columns::from_names(&names);
            }
        }
        Ok(Columns::CURRENT)
    }
}

/// Parses the CSV dump. Columns are taken by the names in the header comment (the layout
/// has changed over the years: `last_online` was added, for one), or by today's layout
/// when there is none: `id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter`.
///
/// # Errors
/// [`ParseError::Shape`] for an HTML or JSON body, or a header without a `url` column
/// (naming the columns found); [`ParseError::Csv`] when the body cannot be read.
pub fn parse_csv(body: &[u8]) -> Result<ParsedBatch, ParseError> {
    let body = super::strip_bom(body);
    let head = body.trim_ascii_start();
    if head.starts_with(b"<") || head.starts_with(b"{") {
        return Err(ParseError::Shape("expected the URLhaus CSV dump".into()));
    }
    let cols = Columns::of(body)?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .comment(Some(b'#'))
        .flexible(true)
        .from_reader(body);
    let mut b = BatchBuilder::for_lines(body);
    let mut record = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) if e.is_io_error() => return Err(ParseError::Csv(e.to_string())),
            Err(_) => {
                b.skip(SkipReason::Malformed, "");
                continue;
            }
        }
        // A comment line indented by stray blanks, which the reader does not see as one.
        if record
            .get(0)
            .is_some_and(|f| f.trim_ascii_start().starts_with(b"#"))
        {
            continue;
        }
        // Stray blanks around a field change nothing (the URL is trimmed by `normalise`,
        // after its length is checked).
        let field = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .map(<[u8]>::trim_ascii)
                .filter(|f| !f.is_empty())
                .map(String::from_utf8_lossy)
        };
        let url = record
            .get(cols.url)
            .filter(|f| !f.trim_ascii().is_empty())
            .map(String::from_utf8_lossy);
        let Some(url) = url else {
            let raw = record
                .iter()
                .map(String::from_utf8_lossy)
                .collect::<Vec<_>>();
            b.skip(SkipReason::MissingField, &format!("url: {}", raw.join(",")));
            continue;
        };
        let mut tags = field(cols.tags)
            .map(|t| b.strings.list(&t))
            .unwrap_or_default();
        if let Some(status) = field(cols.url_status).and_then(|s| b.strings.get(&s))
            && !tags.contains(&status)
        {
            tags.push(status);
        }
        let obs = Observation {
            first_seen: field(cols.dateadded).as_deref().and_then(parse_secs),
            last_seen: field(cols.last_online).as_deref().and_then(parse_secs),
            threat: field(cols.threat).and_then(|t| b.strings.get(&t)),
            tags: tags.into(),
            references: field(cols.urlhaus_link)
                .and_then(|r| b.strings.unique(&r))
                .into_iter()
                .collect(),
            ..Default::default()
        };
        b.push(IndicatorType::Url, &url, obs);
    }
    Ok(b.finish())
}

#[derive(Deserialize)]
struct ApiReply {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    query_status: Option<String>,
    #[serde(default)]
    urls: Option<Vec<ApiUrl>>,
}

#[derive(Deserialize)]
struct ApiUrl {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    url: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    url_status: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    date_added: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    threat: Option<String>,
    #[serde(default, deserialize_with = "lenient::string_list")]
    tags: Vec<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    urlhaus_reference: Option<String>,
}

/// Parses the v1 API's `urls/recent/` reply. A `query_status` other than `ok` (or
/// `no_results`) is an API error, e.g. `unknown_auth_key`.
pub fn parse_api(body: &[u8]) -> Result<Result<ParsedBatch, String>, ParseError> {
    let reply: ApiReply = serde_json::from_slice(body).map_err(|e| ParseError::json(&e))?;
    match reply.query_status.as_deref() {
        Some("ok") => {}
        Some("no_results") => return Ok(Ok(ParsedBatch::default())),
        Some(other) => return Ok(Err(crate::model::sanitize::one_line(other, 2_000))),
        None => return Err(ParseError::Shape("no query_status".into())),
    }
    let mut b = BatchBuilder::new();
    for u in reply.urls.unwrap_or_default() {
        let Some(url) = u.url else {
            b.skip(SkipReason::MissingField, "url");
            continue;
        };
        let mut tags: Vec<_> = u.tags.iter().filter_map(|t| b.strings.get(t)).collect();
        tags.extend(u.url_status.as_deref().and_then(|s| b.strings.get(s)));
        let obs = Observation {
            first_seen: u.date_added.as_deref().and_then(parse_secs),
            threat: u.threat.as_deref().and_then(|t| b.strings.get(t)),
            tags: tags.into(),
            references: u
                .urlhaus_reference
                .as_deref()
                .and_then(|r| b.strings.unique(r))
                .into_iter()
                .collect(),
            ..Default::default()
        };
        b.push(IndicatorType::Url, &url, obs);
    }
    b.finish_requiring("`url`").map(Ok)
}

/// The API request, when an abuse.ch key is set.
pub fn api_request(spec: &SourceSpec, ctx: &FetchContext) -> Option<Request> {
    let key = ctx.keys.get(KeyKind::AbuseCh)?;
    let base = spec.api_url.as_ref()?;
    let url = super::join(base, "urls/recent/")?;
    Some(Request::get(url).with_secret("auth-key", Some(key)))
}

pub async fn fetch(
    ctx: &FetchContext,
    spec: &SourceSpec,
    prior: &super::Prior,
) -> Result<FetchOutput, FetchError> {
    let api = api_request(spec, ctx);
    // The dump, with the key when one is set (the dumps may require it in future). It is
    // conditional only when it is the whole snapshot (no API part to merge in).
    let no_prior = super::Prior::default();
    let prior = if api.is_some() { &no_prior } else { prior };
    let key = ctx.keys.get(KeyKind::AbuseCh);
    let mut out = super::dump_fetch(ctx, spec, prior, key, parse_csv).await?;
    if let Some(req) = api {
        let resp = ctx.http.send(&req).await?;
        let (batch, bytes) = super::abusech_api_result("URLhaus", resp, parse_api)?;
        out.requests += 1;
        out.bytes += bytes;
        out.batch.extend(batch);
    }
    Ok(out)
}

/// The `urlhaus` kind.
pub static KIND: KindInfo = KindInfo {
    name: "urlhaus",
    key_use: KeyUse::Optional(KeyKind::AbuseCh),
    default_url: Some("https://urlhaus.abuse.ch/downloads/csv_recent/"),
    default_api_url: Some("https://urlhaus-api.abuse.ch/v1"),
    default_refresh: minutes(10),
    min_refresh: minutes(5),
    default_lookback: std::time::Duration::from_secs(86_400),
    default_page_size: 50,
    fields: &[Field::ApiUrl],
    default_weight: 80,
};

/// The `urlhaus` kind's driver.
pub struct Urlhaus;

impl super::registry::Driver for Urlhaus {
    fn info(&self) -> &'static KindInfo {
        &KIND
    }

    fn parse(&self, _spec: &SourceSpec, body: &[u8]) -> Result<ParsedBatch, ParseError> {
        parse_csv(body)
    }

    fn fetch<'a>(
        &'a self,
        ctx: &'a FetchContext,
        spec: &'a SourceSpec,
        prior: &'a super::Prior,
    ) -> BoxFuture<'a, Result<FetchOutput, FetchError>> {
        Box::pin(fetch(ctx, spec, prior))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::test_util::{find, fixture};

    #[test]
    fn parses_the_csv_dump() {
        let b = parse_csv(&fixture("urlhaus/csv_recent.csv")).unwrap();
        assert_eq!(b.sightings.len(), 3, "{:#?}", b.sightings);
        assert_eq!(b.skipped.total(), 1);
        let s = find(&b, "http://115.55.244.160:41619/Mozi.m");
        assert_eq!(s.obs.threat.as_deref(), Some("malware_download"));
        let tags: Vec<&str> = s.obs.tags.iter().map(|t| &**t).collect();
        assert_eq!(tags, ["elf", "Mozi", "online"]);
        assert_eq!(
            &*s.obs.references[0],
            "https://urlhaus.abuse.ch/url/2786904/"
        );
        assert_eq!(
            s.obs.first_seen.map(crate::model::time::rfc3339).as_deref(),
            Some("2024-03-19T11:34:09Z")
        );
        // A quoted field with a comma and an embedded quote.
        find(&b, "https://files.example/dl?a=1,b=\"2\"");
    }

    #[test]
    fn parses_the_api_reply() {
        let b = parse_api(&fixture("urlhaus/urls_recent.json"))
            .unwrap()
            .unwrap();
        assert_eq!(b.sightings.len(), 2);
        let s = find(&b, "http://59.40.83.17:43318/i");
        assert_eq!(s.obs.tags.len(), 3);
        let s = find(&b, "https://drop.example/payload.exe");
        assert_eq!(s.obs.tags.len(), 1, "null tags plus status");
    }

    #[test]
    fn api_errors_live_in_the_body() {
        assert_eq!(
            parse_api(br#"{"query_status":"unknown_auth_key"}"#).unwrap(),
            Err("unknown_auth_key".to_string())
        );
        assert!(
            parse_api(br#"{"query_status":"no_results"}"#)
                .unwrap()
                .is_ok()
        );
    }

    #[test]
    fn columns_are_mapped_by_the_header_comment() {
        // Issue 10, example 2: an earlier layout, without `last_online`.
        let b = parse_csv(&fixture("urlhaus/csv_earlier_layout.csv")).unwrap();
        assert!(b.skipped.is_empty(), "{:?}", b.skipped);
        let s = find(&b, "http://198.51.100.9:41619/Mozi.m");
        assert_eq!(s.obs.threat.as_deref(), Some("malware_download"));
        let tags: Vec<&str> = s.obs.tags.iter().map(|t| &**t).collect();
        assert_eq!(tags, ["elf", "Mozi", "online"]);
        let refs: Vec<&str> = s.obs.references.iter().map(|r| &**r).collect();
        assert_eq!(refs, ["https://urlhaus.abuse.ch/url/1/"]);
        assert_eq!(s.obs.last_seen, None);
        assert_eq!(
            s.obs.first_seen.map(crate::model::time::rfc3339).as_deref(),
            Some("2026-11-01T10:00:00Z")
        );
    }

    #[test]
    fn a_layout_without_a_url_column_fails_naming_what_it_found() {
        let body = b"# URLhaus Database Dump (CSV - recent URLs)\n# id,dateadded,link,threat\n\"1\",\"2026-11-01 10:00:00\",\"http://198.51.100.9/a\",\"malware_download\"\n";
        let e = parse_csv(body).unwrap_err().to_string();
        assert!(e.contains("no `url` column"), "{e}");
        assert!(e.contains("id, dateadded, link, threat"), "{e}");
    }

    #[test]
    fn text_forms_change_nothing() {
        let header = "# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter";
        let row = r#""7","2026-11-01 10:00:00","http://198.51.100.9/a#frag;x","online","2026-11-01 10:00:00","malware_download","elf","https://urlhaus.abuse.ch/url/7/","someone""#;
        for body in [
            format!("{header}\n{row}\n"),
            format!("\u{feff}{header}\r\n{row}\r\n"),
            format!("{header}\n{row}"),
            format!("  {header}  \n\n{row}  \r\n"),
        ] {
            let b = parse_csv(body.as_bytes()).unwrap();
            assert!(b.skipped.is_empty(), "{body:?}: {:?}", b.skipped);
            let s = find(&b, "http://198.51.100.9/a#frag;x");
            assert_eq!(
                s.obs.threat.as_deref(),
                Some("malware_download"),
                "{body:?}"
            );
        }
    }

    #[test]
    fn html_is_not_csv() {
        assert!(parse_csv(b"<html>maintenance</html>").is_err());
    }
}
