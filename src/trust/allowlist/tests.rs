// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

use std::path::Path;

use super::*;
use crate::model::IndicatorType::{self, *};
use crate::model::indicator::normalise;

/// One list, `local`, holding `values` as written.
fn one(values: &[&str]) -> Allowlists {
    let mut a = Allowlists::new();
    let id = a.add_list("local").unwrap();
    for v in values {
        assert!(a.add(id, v), "{v} is a value");
    }
    a
}

/// Whether `a` covers `raw` as an indicator of `kind`, in the canonical form the store
/// would key it by.
fn covers(a: &Allowlists, kind: IndicatorType, raw: &str) -> bool {
    let v = normalise(kind, raw).unwrap().value;
    a.covers(kind, &v).is_some()
}

#[test]
fn a_domain_covers_itself_its_subdomains_and_urls_on_them() {
    let a = one(&["example.com"]);
    assert!(covers(&a, Domain, "example.com"));
    assert!(covers(&a, Domain, "www.example.com"));
    assert!(covers(&a, Domain, "a.b.c.example.com"));
    assert!(covers(&a, Url, "https://cdn.example.com/lib.js?v=1"));
    assert!(covers(&a, Url, "http://user@example.com:8080/x"));
    assert!(covers(&a, Url, "http://example.com"));
    // A label boundary, not a string suffix.
    assert!(!covers(&a, Domain, "notexample.com"));
    assert!(!covers(&a, Domain, "example.com.evil.io"));
    assert!(!covers(&a, Url, "http://notexample.com/example.com"));
    assert!(!covers(&a, Url, "http://evil.io/?u=example.com"));
    assert!(!covers(&a, Domain, "com.example"));
    // A parent is not covered by its child.
    let sub = one(&["www.example.com"]);
    assert!(!covers(&sub, Domain, "example.com"));
    assert!(covers(&sub, Domain, "a.www.example.com"));
    // Nor are e-mail addresses at the domain: e-mail addresses compare whole.
    assert!(!covers(&a, Email, "ceo@example.com"));
}

#[test]
fn a_range_or_address_covers_every_address_range_and_url_host_inside() {
    let a = one(&[
        "192.0.2.0/24",
        "198.51.100.7",
        "2001:db8:aa::/48",
        "2001:db8::1",
    ]);
    assert!(covers(&a, Ipv4, "192.0.2.0"));
    assert!(covers(&a, Ipv4, "192.0.2.255"));
    assert!(!covers(&a, Ipv4, "192.0.3.0"));
    assert!(covers(&a, Ipv4, "198.51.100.7"));
    assert!(!covers(&a, Ipv4, "198.51.100.8"));
    // Ranges inside, the same range, a host range of a listed address.
    assert!(covers(&a, Cidr, "192.0.2.128/25"));
    assert!(covers(&a, Cidr, "192.0.2.0/24"));
    assert!(covers(&a, Cidr, "198.51.100.7/32"));
    // A wider range is not covered by a narrower one.
    assert!(!covers(&a, Cidr, "192.0.0.0/16"));
    assert!(!covers(&a, Cidr, "198.51.100.0/24"));
    // URL hosts that are addresses, with and without a port.
    assert!(covers(&a, Url, "http://192.0.2.9/gate.php"));
    assert!(covers(&a, Url, "http://192.0.2.9:8080/gate.php"));
    assert!(!covers(&a, Url, "http://192.0.3.9/"));
    // IPv6, and an IPv6 URL host in brackets.
    assert!(covers(&a, Ipv6, "2001:db8:aa::5"));
    assert!(covers(&a, Ipv6, "2001:DB8:00AA:0:0:0:0:0099"));
    assert!(!covers(&a, Ipv6, "2001:db8:ab::5"));
    assert!(covers(&a, Ipv6, "2001:db8::1"));
    assert!(covers(&a, Cidr, "2001:db8:aa:1::/64"));
    assert!(covers(&a, Url, "https://[2001:db8:aa::5]:8443/x"));
    assert!(covers(&a, Url, "https://[2001:db8::1]/"));
    assert!(!covers(&a, Url, "https://[2001:db8::2]/"));
    // An IPv4-mapped IPv6 address is the IPv4 address.
    assert!(covers(&a, Ipv4, "::ffff:192.0.2.3"));
    // Families do not mix.
    assert!(!covers(&a, Ipv6, "2002::1"));
}

#[test]
fn values_compare_in_canonical_form_however_they_are_written() {
    let a = one(&[
        "Example.ORG.",
        "bücher.example",
        "hxxps://Files.Example.net/Report.PDF",
        "evil[.]example[.]io",
        "192[.]0[.]2[.]1",
        "*.wild.example",
        ".dot.example",
        "CVE-2021-44228",
        "ABCDEF0123456789ABCDEF0123456789",
        "Billing@Partner.Example",
        "  spaced.example  ",
    ]);
    assert!(covers(&a, Domain, "example.org"));
    assert!(covers(&a, Domain, "WWW.EXAMPLE.ORG."));
    assert!(covers(&a, Domain, "xn--bcher-kva.example"));
    assert!(covers(&a, Domain, "shop.bücher.example"));
    assert!(covers(&a, Url, "http://bücher.example/"));
    // A URL compares whole in its canonical form: the host's case and a default port
    // do not matter, the path's case does.
    assert!(covers(&a, Url, "https://files.example.net:443/Report.PDF"));
    assert!(!covers(&a, Url, "https://other.example.net/Report.PDF"));
    assert!(covers(&a, Domain, "evil.example.io"));
    assert!(covers(&a, Ipv4, "192.0.2.1"));
    assert!(covers(&a, Domain, "wild.example"));
    assert!(covers(&a, Domain, "a.wild.example"));
    assert!(covers(&a, Domain, "x.dot.example"));
    assert!(covers(&a, Cve, "cve-2021-44228"));
    assert!(covers(&a, Md5, "abcdef0123456789abcdef0123456789"));
    assert!(covers(&a, Email, "billing@partner.example"));
    assert!(!covers(&a, Email, "other@partner.example"));
    assert!(covers(&a, Domain, "spaced.example"));
}

#[test]
fn digests_emails_and_cves_compare_exactly() {
    let sha = "a".repeat(64);
    let a = one(&[&sha, "CVE-2024-0001", "alice@corp.example"]);
    assert!(covers(&a, Sha256, &sha));
    assert!(!covers(&a, Sha256, &"b".repeat(64)));
    assert!(!covers(&a, Sha1, &"a".repeat(40)));
    assert!(covers(&a, Cve, "CVE-2024-0001"));
    assert!(!covers(&a, Cve, "CVE-2024-00010"));
    assert!(covers(&a, Email, "Alice@Corp.Example"));
    assert!(!covers(&a, Email, "bob@corp.example"));
    assert!(
        !covers(&a, Domain, "corp.example"),
        "an address covers no domain"
    );
}

#[test]
fn the_list_that_covers_is_named_and_the_most_specific_entry_answers() {
    let mut a = Allowlists::new();
    let cdn = a.add_list("cdn").unwrap();
    let corp = a.add_list("corp").unwrap();
    assert!(a.add(cdn, "example.com"));
    assert!(a.add(corp, "mail.example.com"));
    assert!(a.add(cdn, "192.0.2.0/24"));
    assert!(a.add(corp, "192.0.2.0/28"));
    assert!(
        a.add(corp, "example.com"),
        "held by cdn already: cdn keeps it"
    );
    let v = |k, s: &str| a.covers(k, &normalise(k, s).unwrap().value);
    assert_eq!(v(Domain, "www.example.com"), Some(cdn));
    assert_eq!(v(Domain, "a.mail.example.com"), Some(corp));
    assert_eq!(v(Domain, "example.com"), Some(cdn));
    assert_eq!(v(Ipv4, "192.0.2.3"), Some(corp));
    assert_eq!(v(Ipv4, "192.0.2.200"), Some(cdn));
    assert_eq!(a.names().collect::<Vec<_>>(), ["cdn", "corp"]);
    assert_eq!(MoreLists::name(&a, 1), "corp");
    assert_eq!(MoreLists::name(&a, 9), "");
}

#[test]
fn what_is_no_value_is_refused() {
    let mut a = Allowlists::new();
    let id = a.add_list("x").unwrap();
    for bad in [
        "com",
        "*.",
        "not a value",
        "",
        "#",
        "http://",
        "\u{202e}evil.example",
    ] {
        assert!(!a.add(id, bad), "{bad:?}");
    }
    assert_eq!(a.distinct_values(), 0);
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn plain_lists_skip_comments_and_count_bad_lines_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "corp.txt",
        "\u{feff}# our own\n\nexample.com   # the main site\r\nnot a value\n192.0.2.0/24\n\
         http://intranet.example/#top\n\u{1}bad\n",
    );
    let mut a = Allowlists::new();
    let notes = a.read(&p, None).unwrap();
    assert_eq!(a.names().collect::<Vec<_>>(), ["corp"]);
    assert_eq!(a.values(0), 3);
    assert_eq!(notes.len(), 2, "{notes:?}");
    let file = p.display().to_string();
    assert_eq!(
        notes[0],
        format!("allowlist {file}, line 4: not a value: `not a value` (skipped)")
    );
    assert!(
        notes[1].starts_with(&format!(
            "allowlist {file}, line 7: not a value: `\\x01bad`"
        )),
        "{}",
        notes[1]
    );
    assert!(covers(&a, Domain, "www.example.com"));
    assert!(covers(&a, Ipv4, "192.0.2.77"));
    // A `#` inside a value (a URL's fragment) is no comment.
    assert!(covers(&a, Url, "http://intranet.example/#top"));
}

#[test]
fn many_bad_lines_are_named_five_times_then_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("good.example\n");
    for i in 0..12 {
        text.push_str(&format!("bad value {i}\n"));
    }
    // A huge line and a line that is not UTF-8.
    text.push_str(&"x".repeat(100_000));
    text.push('\n');
    let p = write(dir.path(), "l.txt", &text);
    let mut bytes = std::fs::read(&p).unwrap();
    bytes.extend_from_slice(b"\xff\xfe.example\nlast.example");
    std::fs::write(&p, bytes).unwrap();
    let mut a = Allowlists::new();
    let notes = a.read(&p, None).unwrap();
    assert_eq!(notes.len(), 6, "{notes:?}");
    assert!(
        notes[5].ends_with(": 9 more lines that are not values skipped"),
        "{}",
        notes[5]
    );
    assert!(covers(&a, Domain, "good.example"));
    assert!(
        covers(&a, Domain, "last.example"),
        "the last line, without a newline"
    );
}

#[test]
fn a_file_of_no_values_and_an_unreadable_file_are_errors_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "junk.bin", "\u{0}\u{1}\u{2}\nfoo bar\n");
    let e = Allowlists::new().read(&p, None).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "allowlists: {} holds no values (2 lines are not values): write one value per line, or a MISP warninglist",
            p.display()
        )
    );
    let missing = dir.path().join("missing.txt");
    let e = Allowlists::load(std::slice::from_ref(&missing), None).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "allowlists: cannot read {}: no such file or directory",
            missing.display()
        )
    );
    let p = write(dir.path(), "broken.json", "{\"name\": \"x\", \"type\": ");
    let e = Allowlists::new().read(&p, None).unwrap_err();
    assert!(
        e.to_string().starts_with(&format!(
            "allowlists: {} is not a MISP warninglist: ",
            p.display()
        )),
        "{e}"
    );
    // Empty, or comments only: a list of nothing, not an error.
    let p = write(dir.path(), "empty.txt", "# nothing yet\n\n");
    assert!(Allowlists::new().read(&p, None).unwrap().is_empty());
}

#[test]
fn misp_warninglists_are_allowlists_with_their_values_compared_as_values() {
    let dir = tempfile::tempdir().unwrap();
    let host = write(
        dir.path(),
        "list.json",
        r#"{"name": "Our CDNs", "version": 3, "description": "d", "type": "hostname",
            "list": ["cdn.example", ".static.example", "com", "bad name"],
            "matching_attributes": ["hostname", "domain", "url"]}"#,
    );
    let cidr = write(
        dir.path(),
        "cidr.json",
        r#"{"name": "Office ranges", "type": "cidr", "list": ["198.51.100.0/24", "2001:db8::/32", "203.0.113.9"]}"#,
    );
    let string = write(
        dir.path(),
        "string.json",
        r#"{"name": "Known files", "type": "string", "list": ["D41D8CD98F00B204E9800998ECF8427E", "partner.example"]}"#,
    );
    let regex = write(
        dir.path(),
        "regex.json",
        r#"{"name": "Test hosts", "type": "regex", "list": ["^test[0-9]+\\."]}"#,
    );
    let mut a = Allowlists::new();
    let notes = a.read(&host, None).unwrap();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0].contains(", entry 3: not a value: `com`"),
        "{}",
        notes[0]
    );
    a.read(&cidr, None).unwrap();
    a.read(&string, None).unwrap();
    a.read(&regex, None).unwrap();
    assert_eq!(
        a.names().collect::<Vec<_>>(),
        ["Our CDNs", "Office ranges", "Known files", "Test hosts"]
    );
    let list = |k, s: &str| a.covers(k, &normalise(k, s).unwrap().value);
    assert_eq!(list(Domain, "img.cdn.example"), Some(0));
    assert_eq!(list(Url, "https://a.static.example/x.png"), Some(0));
    assert_eq!(list(Ipv4, "198.51.100.20"), Some(1));
    assert_eq!(list(Ipv4, "203.0.113.9"), Some(1));
    assert_eq!(list(Ipv6, "2001:db8::99"), Some(1));
    assert_eq!(list(Md5, "d41d8cd98f00b204e9800998ecf8427e"), Some(2));
    // A `string` list's domain covers its subdomains too: values compare as values.
    assert_eq!(list(Domain, "www.partner.example"), Some(2));
    assert_eq!(list(Domain, "test12.lab.example"), Some(3));
    assert_eq!(list(Domain, "prod.lab.example"), None);
}

#[test]
fn a_folder_is_read_file_by_file_in_order_named_by_path() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("team/sub")).unwrap();
    write(dir.path(), "a.txt", "a.example\n");
    write(&dir.path().join("team"), "b.list", "b.example\n");
    write(
        &dir.path().join("team/sub"),
        "list.json",
        r#"{"name":"C","type":"hostname","list":["c.example"]}"#,
    );
    write(dir.path(), "README.md", "not a list\n");
    write(dir.path(), ".hidden.txt", "hidden.example\n");
    let (a, notes) = Allowlists::load(&[dir.path().to_path_buf()], None).unwrap();
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(a.names().collect::<Vec<_>>(), ["a", "team/b", "C"]);
    assert!(covers(&a, Domain, "x.c.example"));
    assert!(!covers(&a, Domain, "hidden.example"));
}

#[test]
fn the_local_allowlist_is_loaded_as_local_when_it_exists() {
    let dir = tempfile::tempdir().unwrap();
    let env = |k: &str| match k {
        "XDG_DATA_HOME" => Some(dir.path().display().to_string()),
        _ => None,
    };
    let local = local_path(&env).unwrap();
    assert_eq!(local, dir.path().join("intellisiem/allowlist.txt"));
    let home = |k: &str| (k == "HOME").then(|| "/home/a".to_string());
    assert_eq!(
        local_path(&home),
        Some(std::path::PathBuf::from(
            "/home/a/.local/share/intellisiem/allowlist.txt"
        ))
    );
    assert_eq!(local_path(&|_| None), None);
    let corp = write(dir.path(), "corp.txt", "corp.example\n");
    let (a, _) = Allowlists::load(std::slice::from_ref(&corp), Some(&local)).unwrap();
    assert_eq!(a.len(), 1, "no local file: no local list");
    std::fs::create_dir_all(local.parent().unwrap()).unwrap();
    std::fs::write(&local, "# added from the dashboard\nfp.example\n").unwrap();
    let (a, _) = Allowlists::load(&[corp], Some(&local)).unwrap();
    assert_eq!(a.names().collect::<Vec<_>>(), ["corp", LOCAL]);
    assert!(covers(&a, Domain, "www.fp.example"));
}

#[test]
fn warninglists_come_first_then_the_allowlists_in_one_set() {
    let mut a = Allowlists::new();
    let id = a.add_list("corp").unwrap();
    a.add(id, "corp.example.io");
    a.add(id, "10.1.0.0/16");
    let lists = Warninglists::load(&[]).unwrap().with_more(Arc::new(a));
    assert_eq!(lists.len(), 2);
    assert_eq!(lists.warninglists(), 1);
    assert_eq!(lists.suppresses(Domain, "www.corp.example.io"), Some(1));
    assert!(is_allowlist(&lists, 1));
    assert_eq!(label(&lists, 1, 40), "allowlist corp");
    // 10/8 is on the built-in warninglist: it answers first.
    assert_eq!(lists.suppresses(Ipv4, "10.1.2.3"), Some(0));
    assert!(label(&lists, 0, 20).starts_with("warninglist built-in"));
    assert_eq!(lists.suppresses(Domain, "corp.io"), None);
    assert_eq!(
        lists.names().collect::<Vec<_>>()[1..],
        ["corp"],
        "names in position order"
    );
}

#[test]
fn url_hosts_are_found_in_every_written_form() {
    use index::{Host, url_host};
    use std::net::IpAddr;
    let ip = |s: &str| Host::Ip(s.parse::<IpAddr>().unwrap());
    assert_eq!(
        url_host("http://a.example/x"),
        Some(Host::Name("a.example"))
    );
    assert_eq!(
        url_host("http://u:p@a.example:81?q"),
        Some(Host::Name("a.example"))
    );
    assert_eq!(url_host("ftp://a.example#f"), Some(Host::Name("a.example")));
    assert_eq!(url_host("http://192.0.2.1:8080/"), Some(ip("192.0.2.1")));
    assert_eq!(
        url_host("http://[2001:db8::1]:8080/"),
        Some(ip("2001:db8::1"))
    );
    assert_eq!(
        url_host("http://[::ffff:192.0.2.1]/"),
        Some(ip("192.0.2.1"))
    );
    assert_eq!(url_host("http:///x"), None);
    assert_eq!(url_host("no scheme"), None);
    assert_eq!(url_host("http://[2001:db8::1/"), None);
}
