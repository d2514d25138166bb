#include "common/template/template_codes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace poc {
namespace {

using ::testing::HasSubstr;

TEST(TemplateCodesTest, ParsesTypeWordsAndTheirLongForms) {
  EXPECT_EQ(*ParseMessageType("notification"), v1::MESSAGE_TYPE_NOTIFICATION);
  EXPECT_EQ(*ParseMessageType("rfi"), v1::MESSAGE_TYPE_REQUEST_FOR_INFORMATION);
  EXPECT_EQ(*ParseMessageType("request-for-information"), v1::MESSAGE_TYPE_REQUEST_FOR_INFORMATION);
  EXPECT_EQ(*ParseMessageType("rfa"), v1::MESSAGE_TYPE_REQUEST_FOR_ASSISTANCE);
  EXPECT_EQ(*ParseMessageType("request-for-assistance"), v1::MESSAGE_TYPE_REQUEST_FOR_ASSISTANCE);
  EXPECT_EQ(*ParseMessageType("response"), v1::MESSAGE_TYPE_RESPONSE);
  EXPECT_EQ(*ParseMessageType("ack"), v1::MESSAGE_TYPE_ACKNOWLEDGEMENT);
  EXPECT_EQ(*ParseMessageType("general"), v1::MESSAGE_TYPE_GENERAL);
  EXPECT_EQ(*ParseMessageType("RFI"), v1::MESSAGE_TYPE_REQUEST_FOR_INFORMATION);
}

TEST(TemplateCodesTest, UnknownTypeWordListsTheAcceptedWords) {
  auto type = ParseMessageType("question");
  ASSERT_FALSE(type.ok());
  EXPECT_EQ(type.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(type.status().message()),
            "'question' is not a message type; use notification, rfi, rfa, response, ack or "
            "general");
}

TEST(TemplateCodesTest, NoWordParsesToAnExercisePing) {
  EXPECT_FALSE(ParseMessageType("ping").ok());
  EXPECT_FALSE(ParseMessageType("exercise-ping").ok());
  EXPECT_EQ(MessageTypeWord(v1::MESSAGE_TYPE_EXERCISE_PING), "ping");
}

TEST(TemplateCodesTest, FormatsEveryTypeAsAWordThatParsesBack) {
  for (auto type : {v1::MESSAGE_TYPE_NOTIFICATION, v1::MESSAGE_TYPE_REQUEST_FOR_INFORMATION,
                    v1::MESSAGE_TYPE_REQUEST_FOR_ASSISTANCE, v1::MESSAGE_TYPE_RESPONSE,
                    v1::MESSAGE_TYPE_ACKNOWLEDGEMENT, v1::MESSAGE_TYPE_GENERAL}) {
    EXPECT_EQ(*ParseMessageType(MessageTypeWord(type)), type) << MessageTypeWord(type);
  }
  EXPECT_EQ(MessageTypeName(v1::MESSAGE_TYPE_REQUEST_FOR_ASSISTANCE), "request for assistance");
}

TEST(TemplateCodesTest, FormatsUnspecifiedAndUnknownNumbersVisibly) {
  EXPECT_EQ(MessageTypeWord(v1::MESSAGE_TYPE_UNSPECIFIED), "unspecified");
  EXPECT_EQ(MessageTypeWord(static_cast<v1::MessageType>(42)), "unknown(42)");
  EXPECT_EQ(UrgencyWord(static_cast<v1::Urgency>(9)), "unknown(9)");
  EXPECT_EQ(TlpLabel(static_cast<v1::Tlp>(9)), "unknown(9)");
}

TEST(TemplateCodesTest, ParsesAndFormatsUrgencies) {
  EXPECT_EQ(*ParseUrgency("routine"), v1::URGENCY_ROUTINE);
  EXPECT_EQ(*ParseUrgency("priority"), v1::URGENCY_PRIORITY);
  EXPECT_EQ(*ParseUrgency("urgent"), v1::URGENCY_URGENT);
  EXPECT_EQ(*ParseUrgency("Flash"), v1::URGENCY_FLASH);
  EXPECT_EQ(UrgencyWord(v1::URGENCY_URGENT), "urgent");
  auto bad = ParseUrgency("soon");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(std::string(bad.status().message()),
            "'soon' is not an urgency; use routine, priority, urgent or flash");
}

TEST(TemplateCodesTest, ParsesAndFormatsLevels) {
  EXPECT_EQ(*ParseLevel("technical"), v1::LEVEL_TECHNICAL);
  EXPECT_EQ(*ParseLevel("diplomatic"), v1::LEVEL_DIPLOMATIC);
  EXPECT_EQ(LevelWord(v1::LEVEL_DIPLOMATIC), "diplomatic");
  auto bad = ParseLevel("political");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("use technical or diplomatic"));
}

TEST(TemplateCodesTest, ParsesTlpWordsWithOrWithoutTheTlpPrefix) {
  EXPECT_EQ(*ParseTlp("clear"), v1::TLP_CLEAR);
  EXPECT_EQ(*ParseTlp("green"), v1::TLP_GREEN);
  EXPECT_EQ(*ParseTlp("amber"), v1::TLP_AMBER);
  EXPECT_EQ(*ParseTlp("amber+strict"), v1::TLP_AMBER_STRICT);
  EXPECT_EQ(*ParseTlp("red"), v1::TLP_RED);
  EXPECT_EQ(*ParseTlp("TLP:AMBER+STRICT"), v1::TLP_AMBER_STRICT);
  EXPECT_EQ(TlpWord(v1::TLP_AMBER_STRICT), "amber+strict");
  EXPECT_EQ(TlpLabel(v1::TLP_AMBER_STRICT), "TLP:AMBER+STRICT");
}

TEST(TemplateCodesTest, UnknownTlpListsTheTlp2Marks) {
  auto bad = ParseTlp("white");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(std::string(bad.status().message()),
            "'white' is not a TLP 2.0 mark; use clear, green, amber, amber+strict or red");
  EXPECT_FALSE(ParseTlp("tlp:").ok());
}

TEST(TemplateCodesTest, DefaultAckDeadlinesFollowUrgency) {
  EXPECT_EQ(DefaultAckDeadline(v1::URGENCY_ROUTINE), absl::Hours(72));
  EXPECT_EQ(DefaultAckDeadline(v1::URGENCY_PRIORITY), absl::Hours(24));
  EXPECT_EQ(DefaultAckDeadline(v1::URGENCY_URGENT), absl::Hours(4));
  EXPECT_EQ(DefaultAckDeadline(v1::URGENCY_FLASH), absl::Hours(1));
  EXPECT_EQ(DefaultAckDeadline(v1::URGENCY_UNSPECIFIED), absl::Hours(72));
}

}  // namespace
}  // namespace poc
