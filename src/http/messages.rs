//! The message catalogue: one Chinese and one English text per problem code. `{name}` in a text
//! is filled from the problem's parameters.

use axum::http::StatusCode;
use serde_json::Value;

use super::problem::Language;
use crate::error::Params;

/// `(code, Chinese, English)` for every code the service answers with.
const CATALOGUE: &[(&str, &str, &str)] = &[
    ("request.malformed_json", "请求体不是合法的 JSON", "The request body is not valid JSON"),
    (
        "request.invalid_body",
        "请求体字段缺失、类型错误或含有未知字段",
        "The request body has a missing, mistyped or unknown field",
    ),
    ("request.unsupported_media_type", "不支持的内容类型", "Unsupported content type"),
    ("request.bad_path", "路径参数无效", "A value in the path is invalid"),
    ("request.bad_query", "查询参数无效", "A query parameter is invalid"),
    ("request.bad_cursor", "分页游标无效", "The paging cursor is invalid"),
    ("request.body_too_large", "请求体过大", "The request body is too large"),
    ("http.not_found", "请求的资源不存在", "No such resource"),
    ("http.method_not_allowed", "该资源不支持此请求方法", "This method is not allowed on this resource"),
    ("http.timeout", "请求处理超时", "The request timed out"),
    ("http.client_error", "请求无效", "The request is invalid"),
    ("internal", "系统内部错误，请稍后重试", "Internal error; please try again later"),
    ("auth.missing_token", "缺少访问令牌", "A bearer token is required"),
    ("auth.invalid_token", "访问令牌无效或已过期", "The bearer token is invalid, expired or revoked"),
    ("auth.insufficient_scope", "当前渠道或岗位无权办理此业务", "This channel or role may not do this"),
    ("oauth.invalid_client", "客户端身份验证失败", "Client authentication failed"),
    ("oauth.invalid_scope", "申请的权限范围无效", "The requested scope is invalid"),
    ("oauth.invalid_request", "令牌请求缺少必要参数", "The token request is missing a parameter"),
    ("oauth.unsupported_grant_type", "不支持的授权类型", "Only the client_credentials grant is supported"),
    ("staff.invalid_credentials", "用户名或密码错误", "Wrong username or password"),
    ("staff.locked", "账号因多次登录失败已被锁定，请稍后再试", "The account is locked after repeated failed logins"),
    ("staff.username_taken", "用户名已被使用", "This username is taken"),
    ("staff.username", "用户名格式不正确", "The username is not valid"),
    ("staff.weak_password", "密码强度不足", "The password is too weak"),
    ("client.name", "客户端名称不正确", "The client name is not valid"),
    ("person.not_found", "未找到该参保人", "No such insured person"),
    ("person.id_number_taken", "该身份证号已参保登记", "A person with this ID number is already enrolled"),
    ("person.employer_required", "职工医保参保须填写单位信息", "Employee insurance (310) needs the employer"),
    ("person.employer_not_applicable", "居民医保参保不填写单位信息", "Resident insurance (390) has no employer"),
    ("person.name", "姓名格式不正确", "The name is not valid"),
    ("person.phone", "手机号码格式不正确", "The mobile phone number is not valid"),
    ("person.insurance_type", "险种只能是 310 或 390", "The insurance type is 310 or 390"),
    ("person.employer_name", "单位名称格式不正确", "The employer name is not valid"),
    ("id_number.format", "身份证号应为 18 位", "An ID number has 18 characters"),
    ("id_number.unknown_region", "身份证号的地区码不存在", "The ID number's region code is unknown"),
    ("id_number.impossible_birth_date", "身份证号中的出生日期不存在", "The ID number's birth date does not exist"),
    ("id_number.future_birth_date", "身份证号中的出生日期晚于今天", "The ID number's birth date is in the future"),
    ("id_number.check_digit", "身份证号校验位错误", "The ID number's check digit is wrong"),
    ("region.format", "地区代码应为 6 位数字", "A region code has six digits"),
    ("region.not_zhengzhou", "参保地须为郑州市所辖地区(4101xx)", "The insured region must be in Zhengzhou (4101xx)"),
    ("region.not_elsewhere", "转移地须为郑州市以外的统筹地区", "A transfer goes to or comes from outside Zhengzhou"),
    ("credit_code.format", "统一社会信用代码格式不正确", "The unified social credit code is malformed"),
    ("credit_code.check_character", "统一社会信用代码校验位错误", "The credit code's check character is wrong"),
    ("status.unknown", "参保状态无效", "Unknown insured status"),
    (
        "status.illegal_transition",
        "当前参保状态为「{current_status_label}」，不能变更为「{requested_status_label}」",
        "The person is {current_status} and cannot become {requested_status}",
    ),
    (
        "status.system_only",
        "「{current_status_label}」与「{requested_status_label}」之间的变更由缴费到账自动处理，不能手工办理",
        "{current_status} → {requested_status} follows contributions and cannot be set by hand",
    ),
    ("status.reason_not_allowed", "该变更不接受此原因代码", "This reason code does not justify this change"),
    ("status.reason_text", "请填写 1 至 500 字的变更原因", "Give a reason of 1 to 500 characters"),
    ("status.region_required", "跨统筹地区转移须填写对方地区", "A transfer needs the other region"),
    ("status.region_not_applicable", "此变更不涉及其他统筹地区", "This change names no other region"),
];

/// The text for `code` in `language`, with parameters filled; a generic text for the status
/// when the code is not catalogued.
pub fn render(code: &str, status: StatusCode, language: Language, params: &Params) -> String {
    let entry = CATALOGUE.iter().find(|(c, _, _)| *c == code);
    let template = match (entry, language) {
        (Some((_, zh, _)), Language::Chinese) => (*zh).to_owned(),
        (Some((_, _, en)), Language::English) => (*en).to_owned(),
        (None, _) => status.canonical_reason().unwrap_or("Error").to_owned(),
    };
    fill(template, params)
}

fn fill(mut text: String, params: &Params) -> String {
    for (key, value) in params {
        let placeholder = format!("{{{key}}}");
        if text.contains(&placeholder) {
            let value = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            text = text.replace(&placeholder, &value);
        }
    }
    text
}

/// Whether a code is catalogued (tests check every code the service uses).
pub fn is_catalogued(code: &str) -> bool {
    CATALOGUE.iter().any(|(c, _, _)| *c == code)
}
