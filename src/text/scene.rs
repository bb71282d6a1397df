//! Scenes: the stage of a conversation a phrase is used in, inferred from its group name.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scene {
    Greeting,
    Product,
    Bargaining,
    Payment,
    UrgePayment,
    Logistics,
    AfterSales,
    Closing,
    Common,
}

/// Group-name keywords per scene, most specific first: 催付 must win over 付款, 售后 over 咨询.
const KEYWORDS: &[(Scene, &[&str])] = &[
    (Scene::UrgePayment, &["催付", "催拍", "催单"]),
    (
        Scene::AfterSales,
        &[
            "售后", "退换", "退款", "退货", "换货", "投诉", "评价", "差评",
        ],
    ),
    (Scene::Greeting, &["欢迎", "问候", "打招呼", "招呼"]),
    (Scene::Closing, &["结束语", "结束", "道别", "告别", "感谢"]),
    (Scene::Bargaining, &["议价", "还价", "优惠", "砍价", "讲价"]),
    (Scene::Payment, &["付款", "支付", "改价"]),
    (Scene::Logistics, &["物流", "快递", "发货", "配送"]),
    (Scene::Product, &["产品", "商品", "推荐", "咨询", "宝贝"]),
];

impl Scene {
    pub const ALL: [Scene; 9] = [
        Scene::Greeting,
        Scene::Product,
        Scene::Bargaining,
        Scene::Payment,
        Scene::UrgePayment,
        Scene::Logistics,
        Scene::AfterSales,
        Scene::Closing,
        Scene::Common,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scene::Greeting => "greeting",
            Scene::Product => "product",
            Scene::Bargaining => "bargaining",
            Scene::Payment => "payment",
            Scene::UrgePayment => "urge-payment",
            Scene::Logistics => "logistics",
            Scene::AfterSales => "after-sales",
            Scene::Closing => "closing",
            Scene::Common => "common",
        }
    }

    /// The name shop owners use for the scene (the usual group name).
    pub fn label(self) -> &'static str {
        match self {
            Scene::Greeting => "欢迎语",
            Scene::Product => "商品咨询",
            Scene::Bargaining => "议价",
            Scene::Payment => "付款",
            Scene::UrgePayment => "催付",
            Scene::Logistics => "物流",
            Scene::AfterSales => "售后",
            Scene::Closing => "结束语",
            Scene::Common => "其他",
        }
    }

    pub fn parse(s: &str) -> Option<Scene> {
        Scene::ALL.into_iter().find(|scene| scene.as_str() == s)
    }

    /// The scene a group name implies (Traditional names work too); `common` when nothing matches.
    pub fn infer(group: &str) -> Scene {
        let name = crate::text::normalize::normalize_str(group);
        KEYWORDS
            .iter()
            .find(|(_, words)| words.iter().any(|w| name.contains(w)))
            .map(|(scene, _)| *scene)
            .unwrap_or(Scene::Common)
    }
}

impl fmt::Display for Scene {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infers_scenes_from_group_names() {
        assert_eq!(Scene::infer("欢迎语"), Scene::Greeting);
        assert_eq!(Scene::infer("催付话术"), Scene::UrgePayment);
        assert_eq!(Scene::infer("付款"), Scene::Payment);
        assert_eq!(Scene::infer("售後問題"), Scene::AfterSales);
        assert_eq!(Scene::infer("物流查詢"), Scene::Logistics);
        assert_eq!(Scene::infer("其他"), Scene::Common);
    }

    #[test]
    fn names_round_trip() {
        for s in Scene::ALL {
            assert_eq!(Scene::parse(s.as_str()), Some(s));
        }
    }
}
